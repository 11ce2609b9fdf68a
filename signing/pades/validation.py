"""Offline validation material for pyHanko: certificates, CRLs and OCSP responses in
whatever form the app holds them (pyca/cryptography, asn1crypto, PEM or DER), and the
validation context of an act."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable

from asn1crypto import crl as asn1_crl
from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from pyhanko_certvalidator import ValidationContext

from signing.pki.tsa import to_asn1

__all__ = ["make_validation_context", "to_asn1_certificate", "to_asn1_crl", "to_asn1_ocsp"]


def to_asn1_certificate(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        return to_asn1(cert)
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
        if data.lstrip().startswith(b"-----BEGIN"):
            data = x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"not a certificate: {type(cert).__name__}")


def to_asn1_ocsp(value) -> asn1_ocsp.OCSPResponse:
    if isinstance(value, asn1_ocsp.OCSPResponse):
        return value
    return asn1_ocsp.OCSPResponse.load(bytes(value))


def to_asn1_crl(value) -> asn1_crl.CertificateList:
    if isinstance(value, asn1_crl.CertificateList):
        return value
    if isinstance(value, x509.CertificateRevocationList):
        value = value.public_bytes(serialization.Encoding.DER)
    data = bytes(value)
    if data.lstrip().startswith(b"-----BEGIN"):
        data = x509.load_pem_x509_crl(data).public_bytes(serialization.Encoding.DER)
    return _parsed_crl(data)


@functools.lru_cache(maxsize=64)
def _parsed_crl(der: bytes) -> asn1_crl.CertificateList:
    # The app's two current CRLs go into the validation context of every act: parsed once
    # per CRL (they change only when a certificate is revoked, or daily).
    return asn1_crl.CertificateList.load(der)


def make_validation_context(
    trust_roots: Iterable,
    crls: Iterable = (),
    *,
    other_certs: Iterable = (),
    moment: dt.datetime | None = None,
    revocation_mode: str = "soft-fail",
) -> ValidationContext:
    """An offline pyHanko validation context.

    Certificates may be pyca/cryptography objects, asn1crypto objects or PEM/DER
    bytes; CRLs likewise. Nothing is fetched from the network: the app's own CRLs
    are passed in (and embedded into the PDF for B-LT). Build a fresh one per act,
    since pyHanko accumulates validation data in it.
    """
    return ValidationContext(
        trust_roots=[to_asn1_certificate(c) for c in trust_roots],
        other_certs=[to_asn1_certificate(c) for c in other_certs],
        crls=[to_asn1_crl(c) for c in crls],
        allow_fetching=False,
        revocation_mode=revocation_mode,
        moment=moment,
    )
