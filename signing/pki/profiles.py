"""Certificate profiles of the app's CA: the root, the issuing CA, officials, the office seal
and the TSA (names, key usages, policies, CRL and AIA pointers); see :mod:`signing.pki.ca`
for the profile as a whole."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .errors import PkiError
from .keystore import PrivateKey

if TYPE_CHECKING:
    from .ca import CertificateAuthority

_ROOT_YEARS = 20
_ISSUING_YEARS = 10
_TSA_DAYS = 5 * 365
_SEAL_DAYS = 3 * 365
_DEFAULT_LEAF_DAYS = 2 * 365
# Clocks of clients and servers drift; a certificate valid from "now" would be
# rejected by a validator whose clock is a minute behind.
_BACKDATE = dt.timedelta(minutes=5)

#: Our certificate policy (the CPS at /pki/cps describes it), under the UUID arc (ITU-T X.667),
#: like the TSA policy: ours without registering an arc.
CERTIFICATE_POLICY_OID = x509.ObjectIdentifier("2.25.109417420312318733218207733441924349163")
#: RFC 9336 id-kp-documentSigning.
DOCUMENT_SIGNING_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


#: RFC 5280's upper bound of a commonName (ub-common-name), which cryptography enforces.
COMMON_NAME_MAX = 64
#: X.520 ``name`` (2.5.4.41), the supertype of commonName without its length bound: carries
#: the full name of an official whose name does not fit into the CN.
FULL_NAME_OID = x509.ObjectIdentifier("2.5.4.41")


def common_name_for(name: str) -> str:
    """``name`` as a certificate's CN: as it is when it fits in 64 characters, else cut at the
    last word boundary that fits and marked with "…" (the full name goes into
    :data:`FULL_NAME_OID`)."""
    if len(name) <= COMMON_NAME_MAX:
        return name
    cut = " ".join(name.split())[: COMMON_NAME_MAX - 1]
    if " " in cut[1:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.") + "…"


def _name(common_name: str, organisation: str | None = None, **extra: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "ID")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if "title" in extra:
        attrs.append(x509.NameAttribute(NameOID.TITLE, extra["title"]))
    short = common_name_for(common_name)
    if short != common_name:
        attrs.append(x509.NameAttribute(FULL_NAME_OID, common_name))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, short))
    return x509.Name(attrs)


def _ski(public_key) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(public_key)


def authority_key_identifier(issuer_cert: x509.Certificate) -> x509.AuthorityKeyIdentifier:
    ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski)


def _crl_dp(url: str) -> x509.CRLDistributionPoints:
    return x509.CRLDistributionPoints(
        [x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)]
    )


def _aia(url: str, ocsp_url: str | None = None) -> x509.AuthorityInformationAccess:
    descriptions = [
        x509.AccessDescription(
            x509.AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(url)
        )
    ]
    if ocsp_url:
        descriptions.append(
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url)
            )
        )
    return x509.AuthorityInformationAccess(descriptions)


def _key_usage(*allowed: str) -> x509.KeyUsage:
    """A keyUsage extension allowing only ``allowed`` (its keyword names)."""
    flags = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{flag: flag in allowed for flag in flags})


_CA_USAGE = _key_usage("key_cert_sign", "crl_sign")
# pyHanko insists on nonRepudiation (content_commitment) for document signers.
_SIGNER_USAGE = _key_usage("digital_signature", "content_commitment")


def _policies(ca: CertificateAuthority) -> x509.CertificatePolicies:
    """Our policy OID with the CPS URL as qualifier (RFC 5280 4.2.1.4)."""
    return x509.CertificatePolicies(
        [x509.PolicyInformation(CERTIFICATE_POLICY_OID, [ca.url("cps")])]
    )


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    public_key,
    now: dt.datetime,
    not_after: dt.datetime,
    *,
    path_length: int | None,
) -> x509.CertificateBuilder:
    """What every certificate of ours starts with: names, key, a random serial, validity
    (back-dated by :data:`_BACKDATE`), basic constraints and key usage. ``path_length`` None
    makes an end-entity signer, a number a CA with that path length."""
    is_ca = path_length is not None
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=is_ca, path_length=path_length), critical=True)
        .add_extension(_CA_USAGE if is_ca else _SIGNER_USAGE, critical=True)
    )


def _issue_leaf(
    ca: CertificateAuthority,
    public_key,
    subject: x509.Name,
    *,
    validity_days: int,
    eku: list[x509.ObjectIdentifier],
    eku_critical: bool,
    email: str | None = None,
    by_root: PrivateKey | None = None,
) -> x509.Certificate:
    """An end-entity certificate from the issuing CA, or from the root when ``by_root`` (the
    root key, at hand only at the ceremony or a rotation) is given."""
    if validity_days < 1:
        raise PkiError("Masa berlaku sertifikat minimal satu hari.")
    issuer, level = (ca.root_cert, "root") if by_root is not None else (ca.issuing_cert, "issuing")
    now = _now()
    not_after = min(now + dt.timedelta(days=validity_days), issuer.not_valid_after_utc)
    builder = (
        _builder(subject, issuer.subject, public_key, now, not_after, path_length=None)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
        .add_extension(_ski(public_key), critical=False)
        .add_extension(authority_key_identifier(issuer), critical=False)
        .add_extension(_policies(ca), critical=False)
        .add_extension(_crl_dp(ca.url(f"{level}.crl")), critical=False)
        .add_extension(
            # The app answers OCSP for what the issuing CA signs (signing.pki.service.answer_ocsp).
            _aia(ca.url(f"{level}.crt"), ca.url("ocsp") if by_root is None else None),
            critical=False,
        )
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return builder.sign(by_root if by_root is not None else ca.issuing_key, hashes.SHA256())


def issue_certificate(
    ca: CertificateAuthority,
    public_key,
    *,
    common_name: str,
    office: str,
    institution: str,
    email: str | None = None,
    validity_days: int = _DEFAULT_LEAF_DAYS,
) -> x509.Certificate:
    """Certificate for an official: CN = name, title = office, O = the official's own
    institution ("Pemerintah Kabupaten ...", "DPRD Provinsi ...").

    keyUsage digitalSignature + nonRepudiation, EKU documentSigning (RFC 9336) beside
    emailProtection (poppler/NSS reject a documentSigning-only EKU), certificatePolicies with
    the CPS URL, CRL distribution point and caIssuers of the issuing CA.
    """
    return _issue_leaf(
        ca,
        public_key,
        _name(common_name, institution, title=office),
        validity_days=validity_days,
        eku=[DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION],
        eku_critical=False,
        email=email,
    )


def issue_seal_certificate(
    ca: CertificateAuthority,
    public_key,
    *,
    office: str,
    organisation: str | None = None,
    validity_days: int = _SEAL_DAYS,
) -> x509.Certificate:
    """Certificate of the issuing office's electronic seal (certification signature)."""
    return _issue_leaf(
        ca,
        public_key,
        _name(office, organisation or ca.organisation, title="Segel Elektronik"),
        validity_days=validity_days,
        eku=[DOCUMENT_SIGNING_OID, ExtendedKeyUsageOID.EMAIL_PROTECTION],
        eku_critical=False,
    )


def issue_tsa_certificate(
    ca: CertificateAuthority,
    public_key,
    *,
    common_name: str | None = None,
    validity_days: int = _TSA_DAYS,
    root_key: PrivateKey | None = None,
) -> x509.Certificate:
    """Certificate of the internal time-stamping authority (EKU timeStamping, critical).

    With ``root_key`` (the ceremony, a rotation) the root certifies it: see the module doc.
    """
    return _issue_leaf(
        ca,
        public_key,
        _name(common_name or f"{ca.organisation} Time Stamping Authority", ca.organisation),
        validity_days=validity_days,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        eku_critical=True,  # RFC 3161 2.3 requires the TSA's EKU to be critical
        by_root=root_key,
    )


def root_certificate(key: PrivateKey, organisation: str) -> x509.Certificate:
    now = _now()
    subject = _name(f"{organisation} Root CA", organisation)
    not_after = now + dt.timedelta(days=_ROOT_YEARS * 365)
    return (
        _builder(subject, subject, key.public_key(), now, not_after, path_length=1)
        .add_extension(_ski(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def issuing_ca_certificate(
    root_cert: x509.Certificate,
    root_key: PrivateKey,
    key: PrivateKey,
    organisation: str,
    base_url: str,
    common_name: str | None = None,
) -> x509.Certificate:
    now = _now()
    subject = _name(common_name or f"{organisation} Issuing CA", organisation)
    not_after = now + dt.timedelta(days=_ISSUING_YEARS * 365)
    return (
        _builder(subject, root_cert.subject, key.public_key(), now, not_after, path_length=0)
        .add_extension(_ski(key.public_key()), critical=False)
        .add_extension(authority_key_identifier(root_cert), critical=False)
        .add_extension(_crl_dp(f"{base_url}/pki/root.crl"), critical=False)
        .add_extension(_aia(f"{base_url}/pki/root.crt"), critical=False)
        .sign(root_key, hashes.SHA256())
    )
