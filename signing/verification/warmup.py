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

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# make_document imports the signing side (pades.sign, signers, tsa) when called: the verification
# worker loads this module, and only its warm-up ever signs.

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


def make_document() -> WarmupDocument:
    """Make the document (~0.2 s, most of it two RSA keys)."""
    from signing.pades.sign import (
        ActKind,
        Appearance,
        add_document_timestamp,
        apply_act,
        blank_document,
        make_validation_context,
        seal_document,
    )
    from signing.pades.signers import InternalKeySigner
    from signing.pki.tsa import TsaMaterial, make_timestamper

    now = dt.datetime.now(dt.UTC)
    root, signer_cert, tsa_cert, key, crl = _certificates(now)
    timestamper = make_timestamper(TsaMaterial(tsa_cert, key))

    def context():  # type: ignore[no-untyped-def]
        return make_validation_context([root], [crl])

    signer = InternalKeySigner(signer_cert, key, [root])
    pdf = seal_document(
        blank_document(_FIELD, "Pemanasan"), signer, timestamper, validation_context=context()
    )
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
