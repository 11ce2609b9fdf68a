"""The application's own certificate authority: root CA -> issuing CA -> leaves.

Files in ``certs_dir`` (public parts PEM, private parts only encrypted)::

    ca.json                  organisation, base URL, creation time (no secrets)
    root.crt      root.key.enc      self-signed root, signs the issuing CA and root.crl
    issuing.crt   issuing.key.enc   signs officials, the office seal, the TSA, issuing.crl
    tsa.crt       tsa.key.enc       internal RFC 3161 time-stamping authority
    seal.crt      seal.key.enc      the issuing office's seal (certifies each commitment)
    root.crl      issuing.crl       current CRLs, DER (the app serves them at /pki/)

Certificates carry the CRL URLs ``{base_url}/pki/root.crl`` (issuing CA) and
``{base_url}/pki/issuing.crl`` (everything the issuing CA signs), and AIA caIssuers
``{base_url}/pki/root.crt`` / ``{base_url}/pki/issuing.crt``: strict AdES validators
want revocation pointers, and poppler/NSS want EKU emailProtection on signers.
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
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.files import private_directory

from .errors import CaExists, CertificateNotUsable, PkiError
from .keystore import (
    KdfParams,
    KeyKind,
    PrivateKey,
    decrypt_private_key,
    encrypt_private_key,
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

_KEY_FILES = ("root", "issuing", "tsa", "seal")


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
    _passphrase: bytes = field(repr=False)
    _keys: dict[str, PrivateKey] = field(default_factory=dict, repr=False)

    def _key(self, name: str) -> PrivateKey:
        key = self._keys.get(name)
        if key is None:
            blob = (self.certs_dir / f"{name}.key.enc").read_bytes()
            key = decrypt_private_key(blob, self._passphrase)
            self._keys[name] = key
        return key

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
    names = ["ca.json"]
    for n in _KEY_FILES:
        names += [f"{n}.crt", f"{n}.key.enc"]
    return [certs_dir / n for n in names]


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


def _aia(url: str) -> x509.AuthorityInformationAccess:
    return x509.AuthorityInformationAccess(
        [
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.CA_ISSUERS, x509.UniformResourceIdentifier(url)
            )
        ]
    )


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


def _issue_leaf(
    ca: CertificateAuthority,
    public_key,
    subject: x509.Name,
    *,
    validity_days: int,
    eku: list[x509.ObjectIdentifier],
    eku_critical: bool,
    email: str | None = None,
) -> x509.Certificate:
    if validity_days < 1:
        raise PkiError("Masa berlaku sertifikat minimal satu hari.")
    now = _now()
    not_after = min(now + dt.timedelta(days=validity_days), ca.issuing_cert.not_valid_after_utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.issuing_cert.subject)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - _BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_SIGNER_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
        .add_extension(_ski(public_key), critical=False)
        .add_extension(_aki(ca.issuing_cert), critical=False)
        .add_extension(_crl_dp(ca.url("issuing.crl")), critical=False)
        .add_extension(_aia(ca.url("issuing.crt")), critical=False)
    )
    if email:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.RFC822Name(email)]), critical=False
        )
    return builder.sign(ca.issuing_key, hashes.SHA256())


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
    """Certificate for an official: CN = name, title = office, O = institution.

    keyUsage digitalSignature + nonRepudiation, EKU emailProtection (poppler/NSS
    reject a documentSigning-only EKU), CRL distribution point of the issuing CA.
    """
    return _issue_leaf(
        ca,
        public_key,
        _name(common_name, institution, title=office),
        validity_days=validity_days,
        eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
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
        eku=[ExtendedKeyUsageOID.EMAIL_PROTECTION],
        eku_critical=False,
    )


def issue_tsa_certificate(
    ca: CertificateAuthority,
    public_key,
    *,
    common_name: str | None = None,
    validity_days: int = _TSA_DAYS,
) -> x509.Certificate:
    """Certificate of the internal time-stamping authority (EKU timeStamping, critical)."""
    return _issue_leaf(
        ca,
        public_key,
        _name(common_name or f"{ca.organisation} Time Stamping Authority", ca.organisation),
        validity_days=validity_days,
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        eku_critical=True,  # RFC 3161 2.3 requires the TSA's EKU to be critical
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
        raise CertificateNotUsable("Sertifikat belum berlaku.")
    if now > cert.not_valid_after_utc:
        raise CertificateNotUsable(
            f"Sertifikat kedaluwarsa sejak {cert.not_valid_after_utc:%d-%m-%Y}."
        )
    for raw in crls:
        crl = crl_from_bytes(raw)
        if crl.issuer != cert.issuer:
            continue
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is not None and entry.revocation_date_utc <= now:
            raise CertificateNotUsable(
                f"Sertifikat telah dicabut pada {entry.revocation_date_utc:%d-%m-%Y %H:%M} UTC."
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
) -> x509.Certificate:
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(_name(f"{organisation} Issuing CA", organisation))
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


def init_ca(
    certs_dir: Path,
    passphrase: bytes | str,
    *,
    organisation: str,
    base_url: str,
    seal_office: str | None = None,
    kdf: KdfParams | None = None,
    root_key_kind: KeyKind = "rsa3072",
    key_kind: KeyKind = "rsa2048",
) -> CertificateAuthority:
    """Create root CA, issuing CA, TSA and office seal in ``certs_dir``.

    Idempotent: when a complete CA is already there it is loaded (with
    ``passphrase``) and returned unchanged; its own organisation and base URL win.
    A partial CA directory is refused with :class:`CaExists` rather than overwritten.
    Empty CRLs for both levels are published at once, so validation works offline
    from the first act.
    """
    certs_dir = Path(certs_dir)
    base_url = base_url.rstrip("/")
    files = _expected_files(certs_dir)
    present = [p for p in files if p.exists()]
    if present:
        if len(present) == len(files):
            return load_ca(certs_dir, passphrase)
        names = ", ".join(sorted(p.name for p in present))
        raise CaExists(f"Direktori CA tidak lengkap ({names}); tidak akan ditimpa.")
    private_directory(certs_dir)  # it holds the CA's and the seal's (encrypted) keys
    secret = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)

    root_key = generate_private_key(root_key_kind)
    root_cert = _self_signed_root(root_key, organisation)
    issuing_key = generate_private_key(key_kind)
    issuing_cert = _issuing(root_cert, root_key, issuing_key, organisation, base_url)
    tsa_key = generate_private_key("rsa2048")  # RFC 3161 tokens: RSA for widest support
    seal_key = generate_private_key(key_kind)

    ca = CertificateAuthority(
        certs_dir=certs_dir,
        organisation=organisation,
        base_url=base_url,
        root_cert=root_cert,
        issuing_cert=issuing_cert,
        tsa_cert=root_cert,  # replaced below, once the issuing CA can sign
        seal_cert=root_cert,
        _passphrase=secret,
        _keys={"root": root_key, "issuing": issuing_key, "tsa": tsa_key, "seal": seal_key},
    )
    ca.tsa_cert = issue_tsa_certificate(ca, tsa_key.public_key())
    ca.seal_cert = issue_seal_certificate(
        ca, seal_key.public_key(), office=seal_office or organisation
    )

    certs = {"root": root_cert, "issuing": issuing_cert, "tsa": ca.tsa_cert, "seal": ca.seal_cert}
    for name in _KEY_FILES:
        blob = encrypt_private_key(ca._keys[name], secret, kdf=kdf)
        _write_atomic(certs_dir / f"{name}.key.enc", blob, 0o600)
        _write_atomic(certs_dir / f"{name}.crt", certificate_to_pem(certs[name]), 0o644)
    ca.publish_crl("root")
    ca.publish_crl("issuing")
    meta = {
        "organisation": organisation,
        "base_url": base_url,
        "created_at": _now().isoformat(timespec="seconds"),
    }
    # ca.json last: its presence marks a complete CA for the idempotency check.
    _write_atomic(certs_dir / "ca.json", json.dumps(meta, indent=2).encode() + b"\n", 0o644)
    return ca


def load_ca(certs_dir: Path, passphrase: bytes | str) -> CertificateAuthority:
    """Load the CA in ``certs_dir``; the issuing key is unlocked at once.

    :raises WrongPassphrase: the passphrase does not open the issuing key.
    :raises PkiError: files missing or inconsistent.
    """
    certs_dir = Path(certs_dir)
    missing = [p.name for p in _expected_files(certs_dir) if not p.exists()]
    if missing:
        raise PkiError(f"CA belum dibuat atau tidak lengkap di {certs_dir}: {', '.join(missing)}")
    meta = json.loads((certs_dir / "ca.json").read_text())
    certs = {n: certificate_from_bytes((certs_dir / f"{n}.crt").read_bytes()) for n in _KEY_FILES}
    secret = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
    ca = CertificateAuthority(
        certs_dir=certs_dir,
        organisation=meta["organisation"],
        base_url=meta["base_url"],
        root_cert=certs["root"],
        issuing_cert=certs["issuing"],
        tsa_cert=certs["tsa"],
        seal_cert=certs["seal"],
        _passphrase=secret,
    )
    # Fail fast on a wrong passphrase, and catch a key file swapped for another one.
    if not key_matches_certificate(ca.issuing_key, ca.issuing_cert):
        raise PkiError("Kunci CA penerbit tidak cocok dengan sertifikatnya.")
    return ca
