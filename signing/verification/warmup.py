"""A small signed document of our own, verified once by each worker before it serves.

pyHanko, asn1crypto, pyhanko-certvalidator and ``re`` set things up on first use (ASN.1
class specs, compiled patterns, typing caches) and a forked child loses whatever it sets
up itself when it exits. Verifying this document in the worker, before any fork, leaves all
of that in place for every child to inherit (measured: ~6 ms of a ~115 ms verification).

The document is made here, with throwaway keys that never leave the worker: a root CA, a
signer and a TSA certificate under it, an empty CRL, and the shape of a commitment in
miniature (the office seal certifying the document, one act in a form field, a closing
document time stamp, revocation data in the DSS), signed the way :mod:`signing.pades.sign`
signs our documents. It is trusted input: no uploaded byte is ever parsed outside a child.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

__all__ = ["WarmupDocument", "make_document"]

_FIELD = "ttd_pemanasan"
_CRL_URL = "http://pemanasan.invalid/root.crl"


@dataclass(frozen=True)
class WarmupDocument:
    pdf: bytes
    #: DER, as the app passes them to a child.
    trust_roots: tuple[bytes, ...]
    crls: tuple[bytes, ...]


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Pemanasan Pemeriksa"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _certificates(now: dt.datetime):  # type: ignore[no-untyped-def]
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    leaf_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_ski = x509.SubjectKeyIdentifier.from_public_key(root_key.public_key())
    aki = x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(root_ski)
    root = (
        x509.CertificateBuilder()
        .subject_name(_name("Root CA"))
        .issuer_name(_name("Root CA"))
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(ca=True), critical=True)
        .add_extension(root_ski, critical=False)
        .sign(root_key, hashes.SHA256())
    )

    def leaf(common_name: str, eku: x509.ObjectIdentifier) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(root.subject)
            .public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_usage(ca=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([eku]), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), False)
            .add_extension(aki, critical=False)
            .add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(_CRL_URL)], None, None, None
                        )
                    ]
                ),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )

    signer = leaf("Penanda Tangan", ExtendedKeyUsageOID.EMAIL_PROTECTION)
    tsa = leaf("Cap Waktu", ExtendedKeyUsageOID.TIME_STAMPING)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root.subject)
        .last_update(now - dt.timedelta(hours=1))
        .next_update(now + dt.timedelta(days=1))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(aki, critical=False)
        .sign(root_key, hashes.SHA256())
    )
    return root, signer, tsa, leaf_key, crl.public_bytes(serialization.Encoding.DER)


def _blank_pdf() -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter
    from pyhanko.sign.fields import SigFieldSpec, append_signature_field

    writer = PdfFileWriter()
    content = generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 760 Td (Pemanasan) Tj ET")
    font = generic.DictionaryObject(
        {
            generic.pdf_name("/Type"): generic.pdf_name("/Font"),
            generic.pdf_name("/Subtype"): generic.pdf_name("/Type1"),
            generic.pdf_name("/BaseFont"): generic.pdf_name("/Helvetica"),
        }
    )
    resources = generic.DictionaryObject(
        {
            generic.pdf_name("/Font"): generic.DictionaryObject(
                {generic.pdf_name("/F1"): writer.add_object(font)}
            )
        }
    )
    writer.insert_page(
        PageObject(
            contents=writer.add_object(content),
            media_box=generic.ArrayObject(map(generic.NumberObject, (0, 0, 595, 842))),
            resources=resources,
        )
    )
    append_signature_field(writer, SigFieldSpec(_FIELD, on_page=0, box=(40, 300, 200, 380)))
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def make_document() -> WarmupDocument:
    """Make the document (~0.2 s, most of it two RSA keys)."""
    from pyhanko.sign.timestamps import DummyTimeStamper

    from signing.pades.sign import (
        ActKind,
        Appearance,
        add_document_timestamp,
        apply_act,
        make_validation_context,
        seal_document,
    )
    from signing.pades.signers import InternalKeySigner

    now = dt.datetime.now(dt.UTC)
    root, signer_cert, tsa_cert, key, crl = _certificates(now)
    timestamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(_der(tsa_cert)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )

    def context():  # type: ignore[no-untyped-def]
        return make_validation_context([root], [crl])

    signer = InternalKeySigner(signer_cert, key, [root])
    pdf = seal_document(_blank_pdf(), signer, timestamper, validation_context=context())
    pdf = apply_act(
        pdf,
        field_name=_FIELD,
        kind=ActKind.SIGN,
        signer=signer,
        appearance=Appearance("Penanda Tangan", "Pemanasan", None, now),
        timestamper=timestamper,
        validation_context=context(),
    )
    pdf = add_document_timestamp(pdf, timestamper, context())
    return WarmupDocument(pdf=pdf, trust_roots=(_der(root),), crls=(crl,))
