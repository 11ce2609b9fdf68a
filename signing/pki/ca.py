"""The application's own certificate authority: root CA -> issuing CA -> leaves.

Files in ``certs_dir`` (public parts PEM; no root key)::

    ca.json        organisation, base URL, creation time, key custody (no secrets)
    root.crt       self-signed root; its key leaves the server at the ceremony
    issuing.crt    signs officials, the office seal, the TSA, issuing.crl
    tsa.crt        internal RFC 3161 time-stamping authority
    seal.crt       the issuing office's seal (certifies each commitment)
    issuing-N.crt  issuing CAs replaced by ``signing ca rotate`` (still sign their CRLs)
    root.crl       signed at the ceremony and at each rotation (root key offline)
    issuing.crl    current CRL of the issuing CA, DER (the app serves both at /pki/)

The private keys of the issuing CA, TSA and seal are held by a key backend
(:mod:`signing.pki.custody`: encrypted files ``<label>.key.enc`` or a PKCS#11 token), named
by the labels in ca.json. A CA made before key custody (no ``custody`` in ca.json) keeps
``root.key.enc`` and the others as ``<name>.key.enc`` under the old passphrase and still
loads ("legacy"); ``signing ca migrate-custody`` moves it to the new layout.

Certificates carry the CRL URLs ``{base_url}/pki/root.crl`` (what the root signs: the
issuing CA and the TSA) and ``{base_url}/pki/issuing.crl`` (everything the issuing CA signs),
and AIA caIssuers ``{base_url}/pki/root.crt`` / ``{base_url}/pki/issuing.crt``: strict AdES
validators want revocation pointers, and poppler/NSS want EKU emailProtection on signers.

The profile (see docs/long-term-validation.md): every end-entity certificate carries
certificatePolicies with :data:`CERTIFICATE_POLICY_OID` and the URL of the CPS the app serves
(``{base_url}/pki/cps``); officials and the seal have EKU documentSigning (RFC 9336) beside
emailProtection. The TSA is certified by the root itself, at the ceremony or a rotation: its
revocation data is then the root CRL, signed for :data:`ROOT_CRL_DAYS`, so the newest
document time stamp of a copy stays verifiable offline for months, not for the week an
issuing CRL lives.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.files import private_directory

from .custody import FileKeyBackend, KeyBackend, RootKeyOffline
from .errors import CaExists, CertificateNotUsable, PkiError
from .keystore import (
    KdfParams,
    KeyKind,
    PrivateKey,
    generate_private_key,
    key_matches_certificate,
)

__all__ = [
    "CertificateAuthority",
    "CrlLevel",
    "RevokedEntry",
    "build_crl",
    "certificate_from_bytes",
    "certificate_to_pem",
    "check_certificate_usable",
    "crl_from_bytes",
    "init_ca",
    "issue_certificate",
    "issue_seal_certificate",
    "issue_tsa_certificate",
    "load_ca",
    "read_custody",
    "rotate_issuing_ca",
]

CrlLevel = Literal["root", "issuing"]
#: (serial number, revocation time, reason or None), as the app's records hold them.
RevokedEntry = tuple[int, dt.datetime, "x509.ReasonFlags | str | None"]

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

_KEY_FILES = ("root", "issuing", "tsa", "seal")
_ONLINE_KEYS = ("issuing", "tsa", "seal")
#: The root CRL is signed only when the root key is brought back (ceremony, rotation).
ROOT_CRL_DAYS = 365


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(eq=False)
class CertificateAuthority:
    """A loaded CA: certificates in clear, private keys decrypted on first use."""

    certs_dir: Path
    organisation: str
    base_url: str
    root_cert: x509.Certificate
    issuing_cert: x509.Certificate
    tsa_cert: x509.Certificate
    seal_cert: x509.Certificate
    _backend: KeyBackend = field(repr=False)
    #: Backend label of each online key (``issuing``, ``tsa``, ``seal``).
    key_labels: dict[str, str] = field(default_factory=dict)
    #: Issuing CAs replaced by a rotation, oldest first, with their key labels.
    previous_issuing: list[tuple[x509.Certificate, str]] = field(default_factory=list)
    generation: int = 1
    #: Made before key custody: the root key is still in certs_dir (see module doc).
    legacy: bool = False
    _keys: dict[str, PrivateKey] = field(default_factory=dict, repr=False)

    def _key(self, name: str) -> PrivateKey:
        key = self._keys.get(name)
        if key is None:
            if name == "root" and not self.legacy:
                raise RootKeyOffline()
            key = self._backend.load(self.key_labels.get(name, name))
            self._keys[name] = key
        return key

    @property
    def has_root_key(self) -> bool:
        return "root" in self._keys or self.legacy

    @property
    def backend(self) -> KeyBackend:
        return self._backend

    @property
    def issuing_certs(self) -> list[x509.Certificate]:
        """Every issuing CA certificate, current first (older ones still validate old acts)."""
        return [self.issuing_cert, *(cert for cert, _label in reversed(self.previous_issuing))]

    def issuer_of(self, certificate: x509.Certificate) -> x509.Certificate | None:
        """The issuing CA certificate (current or previous) that signed ``certificate``."""
        for issuing in self.issuing_certs:
            try:
                certificate.verify_directly_issued_by(issuing)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return issuing
        return None

    def chain_for(self, certificate: x509.Certificate) -> list[x509.Certificate]:
        """The chain to embed after ``certificate``: its issuing CA, then the root (just the
        root for a certificate the root signed, like the TSA's)."""
        if certificate.issuer == self.root_cert.subject:
            return [self.root_cert]
        return [self.issuer_of(certificate) or self.issuing_cert, self.root_cert]

    @property
    def tsa_chain(self) -> list[x509.Certificate]:
        """What a time-stamp token embeds after the TSA's certificate."""
        return self.chain_for(self.tsa_cert)

    def previous_issuing_cas(self) -> list[CertificateAuthority]:
        """Each replaced issuing CA as a CA view, to build its CRL with :func:`build_crl`."""
        views = []
        for cert, label in self.previous_issuing:
            view = CertificateAuthority(
                certs_dir=self.certs_dir,
                organisation=self.organisation,
                base_url=self.base_url,
                root_cert=self.root_cert,
                issuing_cert=cert,
                tsa_cert=self.tsa_cert,
                seal_cert=self.seal_cert,
                _backend=self._backend,
                key_labels={"issuing": label},
            )
            views.append(view)
        return views

    def root_crl(self, next_update_days: int = 7) -> bytes:
        """A fresh root CRL when the root key is at hand, else the one signed at the ceremony."""
        if self.has_root_key:
            return build_crl(self, "root", (), next_update_days=next_update_days)
        return self.crl_path("root").read_bytes()

    @property
    def root_key(self) -> PrivateKey:
        return self._key("root")

    @property
    def issuing_key(self) -> PrivateKey:
        return self._key("issuing")

    @property
    def tsa_key(self) -> PrivateKey:
        return self._key("tsa")

    @property
    def seal_key(self) -> PrivateKey:
        return self._key("seal")

    @property
    def chain(self) -> list[x509.Certificate]:
        """Intermediate and root, in that order (what a signer embeds after its leaf)."""
        return [self.issuing_cert, self.root_cert]

    @property
    def trust_roots(self) -> list[x509.Certificate]:
        return [self.root_cert]

    def url(self, name: str) -> str:
        return f"{self.base_url}/pki/{name}"

    def crl_path(self, level: CrlLevel) -> Path:
        return self.certs_dir / f"{level}.crl"

    def read_crls(self) -> list[bytes]:
        """The published CRLs (DER), root first; missing files are skipped."""
        return [p.read_bytes() for p in map(self.crl_path, ("root", "issuing")) if p.exists()]

    def publish_crl(
        self, level: CrlLevel, revoked: Iterable[RevokedEntry] = (), next_update_days: int = 7
    ) -> bytes:
        """Build a CRL for ``level`` and write it to ``certs_dir``; returns the DER."""
        der = build_crl(self, level, revoked, next_update_days=next_update_days)
        _write_atomic(self.crl_path(level), der, 0o644)
        return der


# --------------------------------------------------------------------------- files


def _write_atomic(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def certificate_to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_from_bytes(data: bytes) -> x509.Certificate:
    """Load a certificate from PEM or DER."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def crl_from_bytes(data: bytes | x509.CertificateRevocationList) -> x509.CertificateRevocationList:
    """Load a CRL from PEM or DER (an already parsed CRL passes through)."""
    if isinstance(data, x509.CertificateRevocationList):
        return data
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def _expected_files(certs_dir: Path) -> list[Path]:
    # Key files belong to the backend (a PKCS#11 CA has none here).
    return [certs_dir / n for n in ["ca.json", *(f"{n}.crt" for n in _KEY_FILES)]]


# --------------------------------------------------------------------- certificates


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


def _aki(issuer_cert: x509.Certificate) -> x509.AuthorityKeyIdentifier:
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


_CA_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)
# pyHanko insists on nonRepudiation (content_commitment) for document signers.
_SIGNER_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=True,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


def _policies(ca: CertificateAuthority) -> x509.CertificatePolicies:
    """Our policy OID with the CPS URL as qualifier (RFC 5280 4.2.1.4)."""
    return x509.CertificatePolicies(
        [x509.PolicyInformation(CERTIFICATE_POLICY_OID, [ca.url("cps")])]
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
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNER_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
        .add_extension(_ski(public_key), critical=False)
        .add_extension(_aki(issuer), critical=False)
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


# ----------------------------------------------------------------------------- CRLs


_crl_number_lock = threading.Lock()
_last_crl_number = 0


def _next_crl_number() -> int:
    """Milliseconds since the epoch, strictly increasing within the process.

    Time-based so that numbers keep increasing across restarts without a counter
    file; the guard covers two CRLs built within the same millisecond.
    """
    global _last_crl_number
    with _crl_number_lock:
        _last_crl_number = max(time.time_ns() // 1_000_000, _last_crl_number + 1)
        return _last_crl_number


def _reason(value) -> x509.ReasonFlags | None:
    if value is None or isinstance(value, x509.ReasonFlags):
        return value
    try:
        return x509.ReasonFlags[value]
    except KeyError:
        return x509.ReasonFlags(value)


def build_crl(
    ca: CertificateAuthority,
    level: CrlLevel,
    revoked: Iterable[RevokedEntry] = (),
    next_update_days: int = 7,
    *,
    this_update: dt.datetime | None = None,
) -> bytes:
    """A DER CRL signed by the root (``"root"``) or the issuing CA (``"issuing"``).

    ``revoked`` holds ``(serial, revoked_at, reason)``; reason is a
    :class:`x509.ReasonFlags`, its name (``"key_compromise"``) or value
    (``"keyCompromise"``), or ``None``.
    """
    if level == "root":
        issuer_cert, key = ca.root_cert, ca.root_key
    elif level == "issuing":
        issuer_cert, key = ca.issuing_cert, ca.issuing_key
    else:
        raise PkiError(f"Tingkat CRL tidak dikenal: {level}")
    this_update = this_update or _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer_cert.subject)
        .last_update(this_update)
        .next_update(this_update + dt.timedelta(days=next_update_days))
        .add_extension(x509.CRLNumber(_next_crl_number()), critical=False)
        .add_extension(_aki(issuer_cert), critical=False)
    )
    for serial, revoked_at, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(serial)
        if revoked_at.tzinfo is None:
            revoked_at = revoked_at.replace(tzinfo=dt.UTC)
        entry = entry.revocation_date(revoked_at)
        flag = _reason(reason)
        if flag is not None and flag is not x509.ReasonFlags.unspecified:
            entry = entry.add_extension(x509.CRLReason(flag), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    crl = builder.sign(key, hashes.SHA256())
    return crl.public_bytes(serialization.Encoding.DER)


def check_certificate_usable(
    cert: x509.Certificate,
    crls: Iterable[bytes | x509.CertificateRevocationList] = (),
    now: dt.datetime | None = None,
) -> None:
    """Refuse a certificate that is expired, not yet valid or listed on a CRL.

    Called before every act so that no signature is made that would verify as
    invalid anyway.

    :raises CertificateNotUsable: with an Indonesian message.
    """
    now = now or _now()
    if now < cert.not_valid_before_utc:
        raise CertificateNotUsable(refusal="certificate_not_yet_valid")
    if now > cert.not_valid_after_utc:
        raise CertificateNotUsable(
            refusal="certificate_expired", date=f"{cert.not_valid_after_utc:%d-%m-%Y}"
        )
    for raw in crls:
        crl = crl_from_bytes(raw)
        if crl.issuer != cert.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= now:
            raise CertificateNotUsable(
                refusal="certificate_revoked_at", when=f"{entry.revocation_date_utc:%d-%m-%Y %H:%M}"
            )


# ------------------------------------------------------------------------ create/load


def _self_signed_root(key: PrivateKey, organisation: str) -> x509.Certificate:
    now = _now()
    subject = _name(f"{organisation} Root CA", organisation)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + dt.timedelta(days=_ROOT_YEARS * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
        .add_extension(_CA_USAGE, critical=True)
        .add_extension(_ski(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )


def _issuing(
    root_cert: x509.Certificate,
    root_key: PrivateKey,
    key: PrivateKey,
    organisation: str,
    base_url: str,
    common_name: str | None = None,
) -> x509.Certificate:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(common_name or f"{organisation} Issuing CA", organisation))
        .issuer_name(root_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(now + dt.timedelta(days=_ISSUING_YEARS * 365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_CA_USAGE, critical=True)
        .add_extension(_ski(key.public_key()), critical=False)
        .add_extension(_aki(root_cert), critical=False)
        .add_extension(_crl_dp(f"{base_url}/pki/root.crl"), critical=False)
        .add_extension(_aia(f"{base_url}/pki/root.crt"), critical=False)
        .sign(root_key, hashes.SHA256())
    )


def _backend_of(certs_dir: Path, keys: bytes | str | KeyBackend, kdf: KdfParams | None):
    if isinstance(keys, KeyBackend):
        return keys
    return FileKeyBackend(certs_dir, keys, kdf)


def _label(name: str, generation: int) -> str:
    return f"signing-{name}-{generation}"


def read_custody(certs_dir: Path) -> str | None:
    """The key backend kind recorded in ca.json (``"file"``, ``"pkcs11"``), ``"legacy"`` for a
    CA made before key custody, ``None`` when there is no CA yet."""
    meta_path = Path(certs_dir) / "ca.json"
    if not meta_path.exists():
        return None
    custody = json.loads(meta_path.read_text()).get("custody")
    return custody["backend"] if custody else "legacy"


def _write_meta(ca: CertificateAuthority, created_at: str) -> None:
    meta = {
        "organisation": ca.organisation,
        "base_url": ca.base_url,
        "created_at": created_at,
        "custody": {
            "backend": ca.backend.kind,
            "generation": ca.generation,
            "keys": ca.key_labels,
            "previous_issuing": [
                {"certificate": f"issuing-{n}.crt", "key": label}
                for n, (_cert, label) in enumerate(ca.previous_issuing, start=1)
            ],
        },
    }
    _write_atomic(ca.certs_dir / "ca.json", json.dumps(meta, indent=2).encode() + b"\n", 0o644)


def _issue_online(
    ca: CertificateAuthority,
    root_key: PrivateKey,
    key_kind: KeyKind,
    seal_office: str,
) -> None:
    """New issuing CA, TSA and seal keys in the backend, certified (generation ``ca.generation``).

    The caller holds ``root_key`` in memory only; it is never given to the backend.
    """
    backend, generation = ca.backend, ca.generation
    labels = {name: _label(name, generation) for name in _ONLINE_KEYS}
    issuing_key = backend.generate(labels["issuing"], key_kind)
    # A rotated CA gets its own name: validators pick CRLs by issuer name.
    common_name = f"{ca.organisation} Issuing CA" + (f" {generation}" if generation > 1 else "")
    ca.issuing_cert = _issuing(
        ca.root_cert, root_key, issuing_key, ca.organisation, ca.base_url, common_name
    )
    tsa_key = backend.generate(labels["tsa"], "rsa2048")  # RFC 3161 tokens: RSA, widest support
    seal_key = backend.generate(labels["seal"], key_kind)
    ca.key_labels = labels
    ca._keys = {"root": root_key, "issuing": issuing_key, "tsa": tsa_key, "seal": seal_key}
    ca.tsa_cert = issue_tsa_certificate(ca, tsa_key.public_key(), root_key=root_key)
    ca.seal_cert = issue_seal_certificate(ca, seal_key.public_key(), office=seal_office)
    certs = {"issuing": ca.issuing_cert, "tsa": ca.tsa_cert, "seal": ca.seal_cert}
    for name, cert in certs.items():
        _write_atomic(ca.certs_dir / f"{name}.crt", certificate_to_pem(cert), 0o644)
    ca.publish_crl("root", next_update_days=ROOT_CRL_DAYS)
    ca.publish_crl("issuing")


def init_ca(
    certs_dir: Path,
    keys: bytes | str | KeyBackend,
    *,
    organisation: str,
    base_url: str,
    seal_office: str | None = None,
    kdf: KdfParams | None = None,
    root_key_kind: KeyKind = "rsa3072",
    key_kind: KeyKind = "rsa2048",
) -> CertificateAuthority:
    """The key ceremony: create root CA, issuing CA, TSA and office seal in ``certs_dir``.

    ``keys`` is the key backend of the online keys, or a CA passphrase for the file
    backend. The root key is made in memory and given to no backend: the returned CA
    holds it (``ca.root_key``) only until the caller has written it out for the
    administrator (:func:`signing.pki.custody.export_root_key`); a later load has none.
    The root CRL is signed now for :data:`ROOT_CRL_DAYS`, the issuing CRL as usual.

    Idempotent: when a complete CA is already there it is loaded and returned unchanged;
    its own organisation and base URL win. A partial CA directory is refused with
    :class:`CaExists` rather than overwritten.
    """
    certs_dir = Path(certs_dir)
    base_url = base_url.rstrip("/")
    files = _expected_files(certs_dir)
    present = [p for p in files if p.exists()]
    if present:
        if len(present) == len(files):
            return load_ca(certs_dir, keys, kdf=kdf)
        names = ", ".join(sorted(p.name for p in present))
        raise CaExists(f"Direktori CA tidak lengkap ({names}); tidak akan ditimpa.")
    private_directory(certs_dir)  # it holds the CA's certificates and any file-kept keys
    root_key = generate_private_key(root_key_kind)
    root_cert = _self_signed_root(root_key, organisation)
    ca = CertificateAuthority(
        certs_dir=certs_dir,
        organisation=organisation,
        base_url=base_url,
        root_cert=root_cert,
        issuing_cert=root_cert,  # the three are replaced by _issue_online
        tsa_cert=root_cert,
        seal_cert=root_cert,
        _backend=_backend_of(certs_dir, keys, kdf),
    )
    _write_atomic(certs_dir / "root.crt", certificate_to_pem(root_cert), 0o644)
    _issue_online(ca, root_key, key_kind, seal_office or organisation)
    # ca.json last: its presence marks a complete CA for the idempotency check.
    _write_meta(ca, _now().isoformat(timespec="seconds"))
    return ca


def rotate_issuing_ca(
    ca: CertificateAuthority,
    root_key: PrivateKey,
    *,
    seal_office: str | None = None,
    key_kind: KeyKind = "rsa2048",
    backend: KeyBackend | None = None,
) -> CertificateAuthority:
    """Re-issue the issuing CA, TSA and seal under new keys, with the root brought back.

    The replaced issuing CA is kept (``issuing-N.crt`` and its key, which keeps signing
    its CRL): documents and certificates it signed stay valid. ``backend`` moves the
    new keys to another backend (e.g. from files to a PKCS#11 token). A legacy CA is
    moved to the custody layout on the way (its root and old TSA/seal key files removed).

    :raises PkiError: ``root_key`` is not the key of this CA's root certificate.
    """
    if not key_matches_certificate(root_key, ca.root_cert):
        raise PkiError("Kunci akar yang dibawa bukan kunci sertifikat akar CA ini.")
    old_backend = ca.backend
    old_issuing_key = ca.issuing_key
    new_backend = backend or old_backend
    old_labels = {name: ca.key_labels.get(name, name) for name in _ONLINE_KEYS}
    moving = new_backend.kind != old_backend.kind or ca.legacy
    # Replaced TSA and seal keys are destroyed: an old TSA key could back-date tokens.
    obsolete = [(old_backend, old_labels["tsa"]), (old_backend, old_labels["seal"])]
    old_label = old_labels["issuing"]
    if moving:
        # The old issuing key must keep signing its CRL from wherever the CA now lives.
        old_label = f"{_label('issuing', ca.generation)}-lama"
        new_backend.store(old_label, old_issuing_key)
        obsolete.append((old_backend, old_labels["issuing"]))
    if ca.legacy:
        obsolete.append((old_backend, "root"))
    number = len(ca.previous_issuing) + 1
    _write_atomic(
        ca.certs_dir / f"issuing-{number}.crt", certificate_to_pem(ca.issuing_cert), 0o644
    )
    ca.previous_issuing.append((ca.issuing_cert, old_label))
    ca._backend = new_backend
    ca.generation += 1
    ca.legacy = False
    created_at = json.loads((ca.certs_dir / "ca.json").read_text())["created_at"]
    office = ca.seal_cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    _issue_online(ca, root_key, key_kind, seal_office or str(office))
    _write_meta(ca, created_at)
    for holder, label in obsolete:
        holder.delete(label)
    return ca


def load_ca(
    certs_dir: Path, keys: bytes | str | KeyBackend, *, kdf: KdfParams | None = None
) -> CertificateAuthority:
    """Load the CA in ``certs_dir``; the issuing key is opened at once.

    ``keys``: the backend recorded in ca.json, or the CA passphrase of the file backend
    (for a legacy CA: the passphrase its files were made with).

    :raises WrongPassphrase: the passphrase does not open the issuing key.
    :raises PkiError: files missing or inconsistent.
    """
    certs_dir = Path(certs_dir)
    missing = [p.name for p in _expected_files(certs_dir) if not p.exists()]
    if missing:
        raise PkiError(f"CA belum dibuat atau tidak lengkap di {certs_dir}: {', '.join(missing)}")
    meta = json.loads((certs_dir / "ca.json").read_text())
    certs = {n: certificate_from_bytes((certs_dir / f"{n}.crt").read_bytes()) for n in _KEY_FILES}
    custody = meta.get("custody")
    backend = _backend_of(certs_dir, keys, kdf)
    if custody and custody["backend"] != backend.kind:
        raise PkiError(
            f"CA ini memakai backend kunci '{custody['backend']}', "
            f"konfigurasi memberi '{backend.kind}'."
        )
    previous = [
        (certificate_from_bytes((certs_dir / entry["certificate"]).read_bytes()), entry["key"])
        for entry in (custody or {}).get("previous_issuing", [])
    ]
    ca = CertificateAuthority(
        certs_dir=certs_dir,
        organisation=meta["organisation"],
        base_url=meta["base_url"],
        root_cert=certs["root"],
        issuing_cert=certs["issuing"],
        tsa_cert=certs["tsa"],
        seal_cert=certs["seal"],
        _backend=backend,
        key_labels=dict(custody["keys"]) if custody else {},
        previous_issuing=previous,
        generation=custody["generation"] if custody else 1,
        legacy=custody is None,
    )
    # Fail fast on a wrong passphrase, and catch a key file swapped for another one.
    if not key_matches_certificate(ca.issuing_key, ca.issuing_cert):
        raise PkiError("Kunci CA penerbit tidak cocok dengan sertifikatnya.")
    return ca
