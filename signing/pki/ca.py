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

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from signing.files import private_directory, write_atomic

from .crl import CrlLevel, RevokedEntry, build_crl, check_certificate_usable, crl_from_bytes
from .custody import FileKeyBackend, KeyBackend, RootKeyOffline
from .errors import CaExists, PkiError
from .keystore import (
    KdfParams,
    KeyKind,
    PrivateKey,
    generate_private_key,
    key_matches_certificate,
)
from .profiles import (
    CERTIFICATE_POLICY_OID,
    DOCUMENT_SIGNING_OID,
    _now,
    common_name_for,
    issue_certificate,
    issue_seal_certificate,
    issue_tsa_certificate,
    issuing_ca_certificate,
    root_certificate,
)

__all__ = [
    "CERTIFICATE_POLICY_OID",
    "DOCUMENT_SIGNING_OID",
    "CertificateAuthority",
    "CrlLevel",
    "RevokedEntry",
    "build_crl",
    "certificate_from_bytes",
    "certificate_to_pem",
    "check_certificate_usable",
    "common_name_for",
    "crl_from_bytes",
    "init_ca",
    "issue_certificate",
    "issue_seal_certificate",
    "issue_tsa_certificate",
    "load_ca",
    "read_custody",
    "rotate_issuing_ca",
]

_KEY_FILES = ("root", "issuing", "tsa", "seal")
_ONLINE_KEYS = ("issuing", "tsa", "seal")
#: The root CRL is signed only when the root key is brought back (ceremony, rotation).
ROOT_CRL_DAYS = 365


def _key_property(name: str) -> property:
    """``ca.<name>_key``: the private key of that name, loaded from the backend on first use."""
    return property(lambda ca: ca._key(name))


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
        # A view shares the backend and certificates; of the keys it knows only its own.
        return [self._view_of(cert, label) for cert, label in self.previous_issuing]

    def _view_of(self, cert: x509.Certificate, label: str) -> CertificateAuthority:
        return dataclasses.replace(
            self,
            issuing_cert=cert,
            key_labels={"issuing": label},
            previous_issuing=[],
            legacy=False,
            _keys={},  # its own, loaded on first use: never the current issuing key
        )

    def root_crl(self, next_update_days: int = 7) -> bytes:
        """A fresh root CRL when the root key is at hand, else the one signed at the ceremony."""
        if self.has_root_key:
            return build_crl(self, "root", (), next_update_days=next_update_days)
        return self.crl_path("root").read_bytes()

    root_key = _key_property("root")
    issuing_key = _key_property("issuing")
    tsa_key = _key_property("tsa")
    seal_key = _key_property("seal")

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
        write_atomic(self.crl_path(level), der, 0o644)
        return der


# --------------------------------------------------------------------------- files


def certificate_to_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def certificate_from_bytes(data: bytes) -> x509.Certificate:
    """Load a certificate from PEM or DER."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return x509.load_pem_x509_certificate(data)
    return x509.load_der_x509_certificate(data)


def _expected_files(certs_dir: Path) -> list[Path]:
    # Key files belong to the backend (a PKCS#11 CA has none here).
    return [certs_dir / n for n in ["ca.json", *(f"{n}.crt" for n in _KEY_FILES)]]


# ------------------------------------------------------------------------ create/load


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
    write_atomic(ca.certs_dir / "ca.json", json.dumps(meta, indent=2).encode() + b"\n", 0o644)


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
    ca.issuing_cert = issuing_ca_certificate(
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
        write_atomic(ca.certs_dir / f"{name}.crt", certificate_to_pem(cert), 0o644)
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
    root_cert = root_certificate(root_key, organisation)
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
    write_atomic(certs_dir / "root.crt", certificate_to_pem(root_cert), 0o644)
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
    write_atomic(ca.certs_dir / f"issuing-{number}.crt", certificate_to_pem(ca.issuing_cert), 0o644)
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
