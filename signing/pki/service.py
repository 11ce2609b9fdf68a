"""The PKI as the application uses it: the CA of this app, officials' keys, CRLs from the database.

:mod:`signing.pki.ca`, :mod:`signing.pki.keystore` and :mod:`signing.pki.tsa` know nothing of the
database or Flask; this module binds them to the current app (``CERTS_DIR``, ``CA_PASSPHRASE``,
``BASE_URL``, ``INSTITUTION``, ``TSA_URL``, ``KDF_PARAMS``) and to the ``signing_certificates``
table. Operations here change objects and write audit entries; they never commit.

Passphrase failures are counted in the audit log (action ``pki.passphrase_failed``), so the
throttle holds across worker processes and servers. The failure entry lands in the caller's
session: a caller that catches :class:`WrongPassphrase`, :class:`PassphraseLocked`,
:class:`NotEnrolled` or :class:`CertificateNotUsable` must still **commit** (as the login view
does for a failed login), or the attempt is forgotten and the throttle never engages.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from sqlalchemy.orm import Session, undefer

from signing import audit
from signing.db import utcnow
from signing.models import CertificateStatus, SigningCertificate, User
from signing.pades.sign import make_validation_context
from signing.pades.signers import InternalKeySigner
from signing.pki.ca import (
    CertificateAuthority,
    build_crl,
    certificate_to_pem,
    check_certificate_usable,
    init_ca,
    issue_certificate,
    load_ca,
    read_custody,
    rotate_issuing_ca,
)
from signing.pki.custody import (
    FileKeyBackend,
    KeyBackend,
    Pkcs11KeyBackend,
    check_root_key_target,
    export_root_key,
    import_root_key,
)
from signing.pki.errors import (  # noqa: F401 (re-exported: service.NotEnrolled etc.)
    CaMissing,
    CertificateNotUsable,
    NotAnOfficial,
    NotEnrolled,
    PassphraseLocked,
    PassphraseRejected,
    PkiError,
    WrongPassphrase,
)
from signing.pki.keystore import (
    KdfParams,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
    key_matches_certificate,
)
from signing.pki.ocsp import ocsp_response
from signing.pki.tsa import make_timestamper

__all__ = [
    "MIN_PASSPHRASE_LENGTH",
    "REVOCATION_REASONS",
    "CaMissing",
    "CertificateNotUsable",
    "EnrolledSigner",
    "NotAnOfficial",
    "NotEnrolled",
    "PassphraseLocked",
    "PassphraseRejected",
    "PkiError",
    "WrongPassphrase",
    "active_certificate",
    "change_passphrase",
    "current_crls",
    "document_timestamp",
    "enrol",
    "ensure_ca",
    "get_ca",
    "latest_certificate",
    "lock_state",
    "revoke",
    "seal_signer",
    "signer_for_act",
    "timestamper",
    "trust_roots",
    "validation_context",
]

MIN_PASSPHRASE_LENGTH = 8
#: Wrong passphrases allowed within the window before the account's key is locked.
DEFAULT_MAX_FAILURES = 5
#: Window in which failures are counted, and how long a lock lasts.
DEFAULT_LOCK_WINDOW = dt.timedelta(minutes=15)
#: CRLs say "next update in 7 days"; rebuilding daily keeps them fresh with a wide margin.
CRL_NEXT_UPDATE_DAYS = 7
CRL_REBUILD_AFTER = dt.timedelta(days=1)

#: Revocation reasons (RFC 5280 names, as :func:`signing.pki.ca.build_crl` takes them).
REVOCATION_REASONS: dict[str, str] = {
    "affiliation_changed": "Tidak lagi menjabat",
    "key_compromise": "Kunci atau frasa sandi bocor",
    "cessation_of_operation": "Tidak lagi menandatangani",
    "superseded": "Diganti oleh pendaftaran ulang",
    "unspecified": "Tanpa alasan khusus",
}

_EXT_CA = "signing.pki.ca"
_EXT_TSA = "signing.pki.timestamper"
_EXT_CRLS = "signing.pki.crls"
_EXT_BACKEND = "signing.pki.key_backend"
#: session.info key: (transaction, revocation fingerprint) read in that transaction.
_FINGERPRINT = "signing.pki.crl_fingerprint"
_LOCK = threading.Lock()


# ---------------------------------------------------------------------------- the CA


def _app(app: Flask | None) -> Flask:
    return app if app is not None else current_app._get_current_object()  # type: ignore[attr-defined]


def _configured_ca_passphrase(app: Flask) -> bytes | None:
    configured = app.config.get("CA_PASSPHRASE")
    if configured:
        return configured.encode() if isinstance(configured, str) else bytes(configured)
    return None


def legacy_ca_passphrase(app: Flask) -> bytes:
    """The passphrase of a CA made before key custody: derived from SECRET_KEY.

    Only read to open such a CA (and to move it with ``signing ca migrate-custody``).
    """
    configured = _configured_ca_passphrase(app)
    if configured:
        return configured
    secret = str(app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"signing/ca-passphrase/v1", hashlib.sha256).hexdigest().encode()


def _ca_passphrase(app: Flask) -> bytes:
    """``CA_PASSPHRASE``, else ``instance/ca_passphrase`` (made 0600 on first use).

    Independent of SECRET_KEY, so rotating the secret key does not touch the CA keys.
    """
    configured = _configured_ca_passphrase(app)
    if configured:
        return configured
    path = Path(app.instance_path) / "ca_passphrase"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker made it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(32) + "\n")
    return path.read_text().strip().encode()


def key_backend(app: Flask | None = None) -> KeyBackend:
    """The configured backend of the CA's online keys: PKCS#11 when ``CA_PKCS11_MODULE`` is
    set (with ``CA_PKCS11_TOKEN`` and ``CA_PKCS11_PIN``), else encrypted files in CERTS_DIR."""
    app = _app(app)
    module = app.config.get("CA_PKCS11_MODULE")
    if module:
        token, pin = app.config.get("CA_PKCS11_TOKEN"), app.config.get("CA_PKCS11_PIN")
        if not token or not pin:
            raise PkiError("SIGNING_CA_PKCS11_TOKEN dan SIGNING_CA_PKCS11_PIN wajib diisi.")
        backend = app.extensions.get(_EXT_BACKEND)
        if backend is None:
            backend = app.extensions[_EXT_BACKEND] = Pkcs11KeyBackend(module, token, str(pin))
        return backend
    return FileKeyBackend(_certs_dir(app), _ca_passphrase(app), kdf_params(app))


def _stored_key_backend(app: Flask) -> KeyBackend:
    """The backend that opens the CA in CERTS_DIR as it is now (legacy: the old passphrase)."""
    certs_dir = _certs_dir(app)
    kind = read_custody(certs_dir)
    if kind == "legacy":
        return FileKeyBackend(certs_dir, legacy_ca_passphrase(app), kdf_params(app))
    if kind == "file":
        # Also with a token configured: ``signing ca rotate`` then moves the keys into it.
        return FileKeyBackend(certs_dir, _ca_passphrase(app), kdf_params(app))
    if kind == "pkcs11" and not app.config.get("CA_PKCS11_MODULE"):
        raise PkiError(
            "Kunci CA ini ada di token PKCS#11: atur SIGNING_CA_PKCS11_MODULE, "
            "SIGNING_CA_PKCS11_TOKEN dan SIGNING_CA_PKCS11_PIN."
        )
    return key_backend(app)


def kdf_params(app: Flask | None = None) -> KdfParams | None:
    """``KDF_PARAMS`` from the config (a :class:`KdfParams` or a dict of its fields)."""
    value = _app(app).config.get("KDF_PARAMS")
    if value is None or isinstance(value, KdfParams):
        return value
    return KdfParams(**dict(value))


def _certs_dir(app: Flask) -> Path:
    return Path(app.config["CERTS_DIR"])


def get_ca(app: Flask | None = None) -> CertificateAuthority:
    """The CA of the current app, loaded once per app.

    :raises CaMissing: ``signing ca init`` has not been run.
    :raises WrongPassphrase: ``CA_PASSPHRASE`` (or the secret key) does not open the CA.
    """
    app = _app(app)
    ca = app.extensions.get(_EXT_CA)
    if ca is not None:
        return ca
    certs_dir = _certs_dir(app)
    if not (certs_dir / "ca.json").exists():
        raise CaMissing(certs_dir)
    with _LOCK:
        ca = app.extensions.get(_EXT_CA)
        if ca is None:
            ca = load_ca(certs_dir, _stored_key_backend(app))
            app.extensions[_EXT_CA] = ca
    return ca


def ensure_ca(
    app: Flask | None = None, *, root_key_out: Path | None = None, root_passphrase: str = ""
) -> tuple[CertificateAuthority, bool]:
    """Create the CA if ``CERTS_DIR`` holds none; returns ``(ca, created)``. Idempotent.

    The ceremony: the root key is written to ``root_key_out`` (encrypted PKCS#8 under
    ``root_passphrase``) for the administrator to take away, or, without a path (``signing
    demo``, tests), dropped: such a CA cannot be rotated and is made again instead. Either way
    the server keeps no root key.
    """
    app = _app(app)
    certs_dir = _certs_dir(app)
    created = not (certs_dir / "ca.json").exists()
    if not created:
        return get_ca(app), False
    if root_key_out is not None:
        check_root_key_target(Path(root_key_out), root_passphrase)
    institution = app.config["INSTITUTION"]
    with _LOCK:
        ca = init_ca(
            certs_dir,
            key_backend(app),
            organisation=institution,
            base_url=app.config["BASE_URL"],
            seal_office=institution,
            kdf=kdf_params(app),
        )
        if root_key_out is not None:
            export_root_key(ca.root_key, Path(root_key_out), root_passphrase)
        ca._keys.pop("root", None)
        _forget_ca(app, ca)
    return ca, True


def rotate_ca(app: Flask | None, root_key_file: Path, root_passphrase: str) -> CertificateAuthority:
    """``signing ca rotate``: new issuing CA, TSA and seal keys, certified by the root brought
    back; the keys go to the configured backend (so this also moves files to a PKCS#11 token,
    and a legacy CA to the custody layout). Old acts stay valid (see
    :func:`signing.pki.ca.rotate_issuing_ca`)."""
    app = _app(app)
    root_key = import_root_key(root_key_file, root_passphrase)
    ca = get_ca(app)
    with _LOCK:
        rotate_issuing_ca(
            ca, root_key, seal_office=app.config["INSTITUTION"], backend=key_backend(app)
        )
        del root_key
        ca._keys.pop("root", None)
        _forget_ca(app, ca)
    return ca


def migrate_custody(
    app: Flask | None, root_key_out: Path, root_passphrase: str
) -> CertificateAuthority:
    """Move a CA made before key custody: its root key goes out to ``root_key_out`` (which
    must not exist yet), then :func:`rotate_ca` with it replaces the online keys that were
    encrypted under the SECRET_KEY-derived passphrase."""
    app = _app(app)
    ca = get_ca(app)
    if not ca.legacy:
        raise PkiError("CA ini sudah memakai penyimpanan kunci baru; tidak ada yang dipindah.")
    check_root_key_target(Path(root_key_out), root_passphrase)
    export_root_key(ca.root_key, Path(root_key_out), root_passphrase)
    return rotate_ca(app, Path(root_key_out), root_passphrase)


def _forget_ca(app: Flask, ca: CertificateAuthority) -> None:
    app.extensions[_EXT_CA] = ca
    app.extensions.pop(_EXT_TSA, None)
    app.extensions.pop(_EXT_CRLS, None)


def trust_roots(app: Flask | None = None) -> list[x509.Certificate]:
    return list(get_ca(app).trust_roots)


def timestamper(app: Flask | None = None) -> Any:
    """The RFC 3161 time stamper: ``TSA_URL`` when configured, else the internal TSA.

    Kept for the app's lifetime (pyHanko caches a dummy token in it for sizing).
    """
    app = _app(app)
    stamper = app.extensions.get(_EXT_TSA)
    if stamper is None:
        url = app.config.get("TSA_URL")
        stamper = make_timestamper(None if url else get_ca(app), url or None)
        app.extensions[_EXT_TSA] = stamper
    return stamper


def seal_signer(app: Flask | None = None) -> InternalKeySigner:
    """Signer of the issuing office's seal (certifies every generated commitment)."""
    ca = get_ca(app)
    return InternalKeySigner(ca.seal_cert, ca.seal_key, ca.chain)


# ---------------------------------------------------------------------------- CRLs


@dataclass(frozen=True)
class _CrlCache:
    fingerprint: tuple[Any, ...]
    built: float
    root: bytes
    issuing: bytes
    #: CRLs of the issuing CAs replaced by rotations, oldest first.
    previous: tuple[bytes, ...] = ()


def _revocation_fingerprint(db_session: Session) -> tuple[Any, ...]:
    """What the CRLs are built from, summed up; read once per transaction.

    An act asks twice (the usability check of the certificate, then the validation context
    of the signature); inside one transaction the answer changes only through :func:`enrol` or
    :func:`revoke` in this same session, and those forget it.
    """
    transaction = db_session.get_transaction()
    cached = db_session.info.get(_FINGERPRINT)
    if cached is not None and transaction is not None and cached[0] is transaction:
        return cached[1]
    fingerprint = tuple(db_session.execute(_fingerprint_statement()).one())
    _remember_fingerprint(db_session, fingerprint)
    return fingerprint


@functools.cache
def _fingerprint_statement() -> sa.Select[Any]:
    return sa.select(*_fingerprint_query().c)


def _fingerprint_query() -> sa.Subquery:
    return (
        sa.select(
            sa.func.count(SigningCertificate.id).label("revoked_count"),
            sa.func.max(SigningCertificate.id).label("revoked_max_id"),
            sa.func.max(SigningCertificate.revoked_at).label("revoked_latest"),
        )
        .where(SigningCertificate.revoked_at.is_not(None))
        .subquery("revocations")
    )


def _remember_fingerprint(db_session: Session, fingerprint: tuple[Any, ...]) -> None:
    db_session.info[_FINGERPRINT] = (db_session.get_transaction(), fingerprint)


def _forget_fingerprint(db_session: Session) -> None:
    db_session.info.pop(_FINGERPRINT, None)


def revoked_entries(db_session: Session) -> list[tuple[int, dt.datetime, str | None]]:
    """``(serial, revoked_at, reason)`` of every revoked or superseded signing certificate."""
    rows = db_session.execute(
        sa.select(
            SigningCertificate.serial,
            SigningCertificate.revoked_at,
            SigningCertificate.revocation_reason,
        )
        .where(SigningCertificate.revoked_at.is_not(None))
        .order_by(SigningCertificate.id)
    ).all()
    return [
        (int(serial, 16), revoked_at, reason if reason in REVOCATION_REASONS else None)
        for serial, revoked_at, reason in rows
    ]


def current_crls(db_session: Session, app: Flask | None = None) -> list[bytes]:
    """The root CRL and the issuing CA's CRL (DER, in that order), from the database's state,
    then the CRLs of issuing CAs replaced by ``signing ca rotate``.

    Cached per app; rebuilt when a certificate was revoked (or superseded) since, and daily.
    """
    crls = _crls(db_session, app)
    return [crls.root, crls.issuing, *crls.previous]


def crl(db_session: Session, level: str, app: Flask | None = None) -> bytes:
    """One CRL: ``"root"`` or ``"issuing"``."""
    crls = _crls(db_session, app)
    if level == "root":
        return crls.root
    if level == "issuing":
        return crls.issuing
    raise PkiError(f"Tingkat CRL tidak dikenal: {level}")


def _crls(db_session: Session, app: Flask | None) -> _CrlCache:
    app = _app(app)
    ca = get_ca(app)
    fingerprint = _revocation_fingerprint(db_session)
    cached: _CrlCache | None = app.extensions.get(_EXT_CRLS)
    fresh = cached is not None and time.time() - cached.built < CRL_REBUILD_AFTER.total_seconds()
    if fresh and cached.fingerprint == fingerprint:
        return cached
    entries = revoked_entries(db_session)
    cache = _CrlCache(
        fingerprint=fingerprint,
        built=time.time(),
        # Nothing revokes the issuing CA from the database: the root CRL is empty. Its key is
        # offline, so it is the one signed at the ceremony or the last rotation.
        root=ca.root_crl(next_update_days=CRL_NEXT_UPDATE_DAYS),
        issuing=build_crl(ca, "issuing", entries, next_update_days=CRL_NEXT_UPDATE_DAYS),
        # Serials are random: listing all revocations on every issuer's CRL is harmless.
        previous=tuple(
            build_crl(old, "issuing", entries, next_update_days=CRL_NEXT_UPDATE_DAYS)
            for old in ca.previous_issuing_cas()
        ),
    )
    app.extensions[_EXT_CRLS] = cache
    return cache


def publish_crls(db_session: Session, app: Flask | None = None) -> list[Path]:
    """Write the current CRLs to ``CERTS_DIR`` (root.crl, issuing.crl); call after commit."""
    ca = get_ca(app)
    crls = _crls(db_session, app)
    paths = []
    files = [(ca.crl_path("root"), crls.root), (ca.crl_path("issuing"), crls.issuing)]
    files += [
        (ca.certs_dir / f"issuing-{number}.crl", der)
        for number, der in enumerate(crls.previous, start=1)
    ]
    for path, der in files:
        # Atomic: a web server reading the file never sees half a CRL.
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(der)
        tmp.chmod(0o644)
        tmp.replace(path)
        paths.append(path)
    return paths


def validation_context(db_session: Session, app: Flask | None = None) -> Any:
    """A fresh offline pyHanko validation context with the app's root and current CRLs.

    Build one per act: pyHanko accumulates validation data in it.
    """
    ca = get_ca(app)
    return make_validation_context(
        ca.trust_roots, current_crls(db_session, app), other_certs=ca.issuing_certs
    )


# ------------------------------------------------------------ long-term validation


def _revocation_of(db_session: Session, cert: x509.Certificate) -> Any:
    serial = cert.serial_number
    for entry_serial, revoked_at, reason in revoked_entries(db_session):
        if entry_serial == serial:
            flag = x509.ReasonFlags[reason] if reason else None
            return revoked_at, flag
    return None


def ocsp_responses(
    db_session: Session, certificates: Iterable[x509.Certificate], app: Flask | None = None
) -> list[bytes]:
    """A fresh OCSP response (DER) for each certificate an issuing CA of ours signed (the
    others, like a root-certified TSA, are covered by the root CRL)."""
    return _ocsp_for(db_session, certificates, get_ca(app))


def _ocsp_for(
    db_session: Session,
    certificates: Iterable[x509.Certificate],
    ca: CertificateAuthority,
    algorithm: Any = None,
) -> list[bytes]:
    responses = []
    for cert in certificates:
        issuer = ca.issuer_of(cert)
        if issuer is None:
            continue
        key = ca.issuing_key
        if issuer != ca.issuing_cert:
            view = next(v for v in ca.previous_issuing_cas() if v.issuing_cert == issuer)
            key = view.issuing_key
        responses.append(
            ocsp_response(
                cert,
                issuer,
                key,
                revoked=_revocation_of(db_session, cert),
                next_update_days=CRL_NEXT_UPDATE_DAYS,
                algorithm=algorithm,
            )
        )
    return responses


def answer_ocsp(db_session: Session, request_der: bytes, app: Flask | None = None) -> bytes:
    """The DER OCSP response (RFC 6960) to ``request_der``: good or revoked for a certificate
    one of our issuing CAs signed (officials' from the database, the office seal), else
    ``unauthorized``; ``malformedRequest`` for anything unreadable. Signed by that issuing CA.
    """
    from cryptography.x509 import ocsp as x509_ocsp

    from signing.pki.tsa import to_asn1

    def refusal(status: x509_ocsp.OCSPResponseStatus) -> bytes:
        response = x509_ocsp.OCSPResponseBuilder.build_unsuccessful(status)
        return response.public_bytes(serialization.Encoding.DER)

    try:
        request = x509_ocsp.load_der_ocsp_request(request_der)
        algorithm = request.hash_algorithm
        key_hash, serial = request.issuer_key_hash, request.serial_number
    except (ValueError, TypeError, x509.UnsupportedGeneralNameType):
        return refusal(x509_ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    ca = get_ca(app)
    name = algorithm.name.replace("-", "")
    issuers = [
        c for c in ca.issuing_certs if getattr(to_asn1(c).public_key, name, None) == key_hash
    ]
    candidates = [ca.seal_cert] if ca.seal_cert.serial_number == serial else []
    record = db_session.execute(
        sa.select(SigningCertificate).where(SigningCertificate.serial == format(serial, "x"))
    ).scalar_one_or_none()
    if record is not None:
        candidates.append(certificate_of(record))
    for cert in candidates:
        issuer = ca.issuer_of(cert)
        if issuer is None or issuer not in issuers:
            continue
        (response,) = _ocsp_for(db_session, [cert], ca, algorithm)
        return response
    return refusal(x509_ocsp.OCSPResponseStatus.UNAUTHORIZED)


def document_timestamp(
    db_session: Session,
    pdf: bytes,
    signers: Iterable[x509.Certificate] = (),
    app: Flask | None = None,
) -> bytes:
    """``pdf`` with a document time stamp whose revision first stores, in the DSS, what a
    validator needs without us: our CA certificates, the current CRLs (root CRL from the
    ceremony, issuing CRLs fresh) and an OCSP response for each of ``signers`` (the
    certificates that just signed), all issued after those signatures. The stamp proves they
    existed then; see docs/long-term-validation.md.

    With an external TSA (``TSA_URL``) our data goes in just the same; the TSA's own
    certificates are in its token and its revocation data is not fetched (offline design).

    :raises PadesError: the time stamp could not be made.
    """
    from signing.pades.sign import add_document_timestamp

    app = _app(app)
    ca = get_ca(app)
    return add_document_timestamp(
        pdf,
        timestamper(app),
        None,
        revocation_data=(
            [*ca.issuing_certs, ca.root_cert, ca.tsa_cert],
            current_crls(db_session, app),
        ),
        ocsps=ocsp_responses(db_session, signers, app),
    )


# ----------------------------------------------------------------- officials' keys


def active_certificate(
    db_session: Session, user: User, *, with_key: bool = False
) -> SigningCertificate | None:
    """The user's active certificate; ``with_key`` loads the encrypted key in the same query
    (it is a deferred column, otherwise read by a second query when an act unlocks it)."""
    if not with_key:
        return db_session.execute(
            _active_certificate_statement(), {"user_id": user.id}
        ).scalar_one_or_none()
    # An act: the key, and the CRLs' fingerprint the act is about to need, in one round trip.
    row = db_session.execute(_unlock_statement(), {"user_id": user.id}).one_or_none()
    if row is None:
        return None
    record, *fingerprint = row
    _remember_fingerprint(db_session, tuple(fingerprint))
    return record


@functools.cache
def _active_certificate_statement() -> sa.Select[tuple[SigningCertificate]]:
    return (
        sa.select(SigningCertificate)
        .where(
            SigningCertificate.user_id == sa.bindparam("user_id"),
            SigningCertificate.status == CertificateStatus.ACTIVE,
        )
        .order_by(SigningCertificate.id.desc())
        .limit(1)
    )


@functools.cache
def _unlock_statement() -> sa.Select[Any]:
    revocations = _fingerprint_query()
    return (
        _active_certificate_statement()
        .add_columns(*revocations.c)
        .join(revocations, sa.true())
        .options(undefer(SigningCertificate.encrypted_key))
    )


def latest_certificate(db_session: Session, user: User) -> SigningCertificate | None:
    return db_session.execute(
        sa.select(SigningCertificate)
        .where(SigningCertificate.user_id == user.id)
        .order_by(SigningCertificate.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def _check_new_passphrase(user: User, passphrase: str, check_password: bool) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise PassphraseRejected(refusal="passphrase_too_short", length=MIN_PASSPHRASE_LENGTH)
    if check_password:
        from signing.auth.passwords import check_password as matches_login

        if matches_login(user.password_hash, passphrase):
            raise PassphraseRejected(refusal="passphrase_is_password")


def _office_line(user: User) -> str:
    return "; ".join(office.title for office in user.current_offices)


def institution_of(office: Any) -> str:
    """The institution an office belongs to, as a certificate's O names it: "Pemerintah
    Kabupaten Kotawaringin Timur", "DPRD Kota Palangka Raya", "Pemerintah Provinsi
    Kalimantan Tengah", "DPRD Provinsi Kalimantan Tengah"."""
    from signing.models.regions import OfficeKind

    kind = OfficeKind(office.kind)
    if kind is OfficeKind.KETUA_DPRD_PROVINSI:
        return f"DPRD Provinsi {office.province.name}"
    if kind.is_provincial:
        return f"Pemerintah Provinsi {office.province.name}"
    region = office.region.name if office.region is not None else office.province.name
    if kind in (OfficeKind.KETUA_DPRD, OfficeKind.WAKIL_KETUA_DPRD):
        return f"DPRD {region}"
    return f"Pemerintah {region}"


def _institution_line(user: User) -> str:
    names = dict.fromkeys(institution_of(office) for office in user.current_offices)
    return "; ".join(names)


def enrol(
    db_session: Session,
    user: User,
    passphrase: str,
    *,
    actor: Any,
    check_password: bool = True,
    app: Flask | None = None,
) -> SigningCertificate:
    """Give ``user`` a new key pair and certificate; the key is stored encrypted only.

    The certificate names the official (CN), their current office(s) (title) and their own
    institution (O: "Pemerintah Kabupaten ...", "DPRD Provinsi ...", see :func:`institution_of`).
    An earlier active certificate is marked SUPERSEDED and revoked (reason "superseded"), so the
    next CRL lists it.

    ``check_password`` refuses a passphrase equal to the login password (an Argon2 check; the
    demo, which knows both, skips it).

    :raises PassphraseRejected: shorter than 8 characters, or the login password.
    :raises NotAnOfficial: the account holds no office.
    :raises CaMissing: no CA yet.
    """
    app = _app(app)
    _check_new_passphrase(user, passphrase, check_password)
    offices = user.current_offices
    if not offices:
        raise NotAnOfficial(username=user.username)
    ca = get_ca(app)
    key = generate_private_key(app.config.get("SIGNING_KEY_KIND", "rsa2048"))
    cert = issue_certificate(
        ca,
        key.public_key(),
        common_name=user.display_name,
        office=_office_line(user),
        institution=_institution_line(user),
        email=user.email or None,
        validity_days=int(app.config.get("SIGNING_CERT_DAYS", 2 * 365)),
    )
    blob = encrypt_private_key(key, passphrase, kdf=kdf_params(app))
    del key
    previous = active_certificate(db_session, user)
    now = utcnow()
    if previous is not None:
        previous.status = CertificateStatus.SUPERSEDED
        previous.revoked_at = now
        _forget_fingerprint(db_session)
        previous.revocation_reason = "superseded"
    record = SigningCertificate(
        user_id=user.id,
        serial=format(cert.serial_number, "x"),
        subject=cert.subject.rfc4514_string()[:500],
        certificate_pem=certificate_to_pem(cert).decode("ascii"),
        encrypted_key=blob,
        key_kind=app.config.get("SIGNING_KEY_KIND", "rsa2048"),
        status=CertificateStatus.ACTIVE,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        created_at=now,
    )
    db_session.add(record)
    db_session.flush()
    audit.record(
        db_session,
        "pki.enrol",
        actor=actor,
        object_type="signing_certificate",
        object_id=record.id,
        details={
            "user_id": user.id,
            "username": user.username,
            "serial": record.serial,
            "subject": record.subject,
            "not_after": record.not_after.isoformat(),
            "supersedes": previous.serial if previous is not None else None,
        },
    )
    return record


def revoke(
    db_session: Session, certificate: SigningCertificate, reason: str, *, actor: Any
) -> SigningCertificate:
    """Revoke ``certificate`` (it appears on the next CRL; its owner can no longer sign).

    :raises PkiError: unknown reason, or the certificate is already revoked or superseded.
    """
    if reason not in REVOCATION_REASONS:
        raise PkiError(
            f"Alasan pencabutan tidak dikenal: {reason}. Pilihan: {', '.join(REVOCATION_REASONS)}."
        )
    if certificate.revoked_at is not None:
        raise PkiError(f"Sertifikat {certificate.serial} sudah dicabut atau diganti.")
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = utcnow()
    _forget_fingerprint(db_session)
    certificate.revocation_reason = reason
    db_session.flush()
    audit.record(
        db_session,
        "pki.revoke",
        actor=actor,
        object_type="signing_certificate",
        object_id=certificate.id,
        details={"user_id": certificate.user_id, "serial": certificate.serial, "reason": reason},
    )
    return certificate


# ----------------------------------------------------------------------- unlocking


@dataclass(frozen=True)
class LockState:
    locked_until: dt.datetime | None
    #: Wrong passphrases counted toward the next lock.
    failures: int
    remaining: int


def _config_int(app: Flask, key: str, default: int) -> int:
    return int(app.config.get(key, default))


def _window(app: Flask) -> dt.timedelta:
    minutes = app.config.get("PASSPHRASE_LOCK_MINUTES")
    return dt.timedelta(minutes=float(minutes)) if minutes else DEFAULT_LOCK_WINDOW


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    # max() bypasses the column type on SQLite, so the zone may be missing.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.UTC)


def lock_state(db_session: Session, user: User, app: Flask | None = None) -> LockState:
    """How many wrong passphrases count against ``user`` now, and any lock in force.

    Counted from the audit log, so every worker process sees the same state. Failures count
    within the window, and only since the last successful unlock and the last lock.

    One query, newest first: a lock in force is the newest "locked" entry inside the window;
    otherwise the failures are the entries before the first unlock or lock met. There are never
    more than ``limit`` of them in a row (the next one writes a lock), so ``limit + 1`` rows
    always reach the answer.
    """
    app = _app(app)
    window = _window(app)
    limit = _config_int(app, "PASSPHRASE_MAX_FAILURES", DEFAULT_MAX_FAILURES)
    now = utcnow()
    rows = db_session.execute(
        _lock_state_statement(limit + 1), {"user_id": str(user.id), "since": now - window}
    ).all()
    failures = 0
    for action, created_at in rows:
        if action == "pki.passphrase_locked":
            return LockState(_aware(created_at) + window, limit, 0)
        if action == "pki.unlock":
            break
        failures += 1
    return LockState(None, failures, max(0, limit - failures))


@functools.cache
def _lock_state_statement(rows: int) -> sa.Select[Any]:
    from signing.models import AuditEntry

    return (
        sa.select(AuditEntry.action, AuditEntry.created_at)
        .where(
            AuditEntry.object_type == "user",
            AuditEntry.object_id == sa.bindparam("user_id"),
            AuditEntry.action.in_(("pki.passphrase_locked", "pki.unlock", "pki.passphrase_failed")),
            AuditEntry.created_at > sa.bindparam("since"),
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(rows)
    )


def _refuse(db_session: Session, user: User, reason: str, **details: Any) -> None:
    audit.record(
        db_session,
        "pki.unlock_refused",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"reason": reason, **details},
    )


class EnrolledSigner(InternalKeySigner):
    """An official's unlocked key for one act, with the database row of its certificate."""

    def __init__(self, record: SigningCertificate, certificate: x509.Certificate, key, chain):
        super().__init__(certificate, key, chain)
        #: The ``signing_certificates`` row (for ``Act.certificate_id``).
        self.record = record

    @property
    def certificate_id(self) -> int:
        return self.record.id


def _unlock(
    db_session: Session, user: User, passphrase: str, app: Flask
) -> tuple[SigningCertificate, x509.Certificate, Any]:
    """Checks and passphrase; shared by :func:`signer_for_act` and :func:`change_passphrase`."""
    record = active_certificate(db_session, user, with_key=True)
    if record is None:
        latest = latest_certificate(db_session, user)
        if latest is not None and latest.status == CertificateStatus.REVOKED:
            _refuse(db_session, user, "revoked", serial=latest.serial)
            raise CertificateNotUsable(refusal="certificate_revoked")
        _refuse(db_session, user, "not_enrolled")
        raise NotEnrolled()
    state = lock_state(db_session, user, app)
    if state.locked_until is not None:
        _refuse(db_session, user, "locked", until=state.locked_until.isoformat())
        raise PassphraseLocked(state.locked_until)
    certificate = x509.load_pem_x509_certificate(record.certificate_pem.encode("ascii"))
    try:
        # The chain and the CRLs are checked here, once: the PAdES act relies on it
        # (signer_checked) instead of having pyHanko validate the path again.
        _check_issued_by_ca(certificate, app)
        check_certificate_usable(certificate, current_crls(db_session, app))
    except CertificateNotUsable as error:
        _refuse(
            db_session, user, "certificate_not_usable", serial=record.serial, message=str(error)
        )
        raise
    try:
        key = decrypt_private_key(record.encrypted_key, passphrase)
    except WrongPassphrase:
        audit.record(
            db_session,
            "pki.passphrase_failed",
            actor=user,
            object_type="user",
            object_id=user.id,
            details={"serial": record.serial, "failures": state.failures + 1},
        )
        remaining = state.remaining - 1
        if remaining <= 0:
            window = _window(app)
            audit.record(
                db_session,
                "pki.passphrase_locked",
                actor=user,
                object_type="user",
                object_id=user.id,
                details={"failures": state.failures + 1, "minutes": window.total_seconds() // 60},
            )
            raise WrongPassphrase(
                refusal="wrong_passphrase_locked", minutes=int(window.total_seconds() // 60)
            ) from None
        raise WrongPassphrase(refusal="wrong_passphrase_remaining", remaining=remaining) from None
    if not key_matches_certificate(key, certificate):
        _refuse(db_session, user, "key_mismatch", serial=record.serial)
        raise PkiError(refusal="key_mismatch")
    return record, certificate, key


def _check_issued_by_ca(certificate: x509.Certificate, app: Flask) -> None:
    # Any issuing CA of this app, including one replaced by a rotation: an official's
    # certificate stays usable until it expires or is re-enrolled.
    if get_ca(app).issuer_of(certificate) is None:
        raise CertificateNotUsable(refusal="certificate_foreign") from None


def signer_for_act(
    db_session: Session, user: User, passphrase: str, app: Flask | None = None
) -> EnrolledSigner:
    """Unlock ``user``'s key for one act; close the signer (or use ``with``) when done.

    Refused before the key is touched when the user has no active certificate, is locked out,
    or the certificate is expired or on the current CRL. Every refusal writes an audit entry
    in ``db_session``: the caller commits it even though the act failed.

    :raises NotEnrolled: no certificate yet ("Anda belum mendaftarkan kunci tanda tangan").
    :raises CertificateNotUsable: revoked or expired.
    :raises PassphraseLocked: too many wrong passphrases recently.
    :raises WrongPassphrase: wrong passphrase or altered key blob (the message says how many
        attempts remain).
    """
    app = _app(app)
    record, certificate, key = _unlock(db_session, user, passphrase, app)
    # Deferred: written with the act's own entries, so the audit chain's lock is not held
    # while the PDF is signed (see signing.audit).
    audit.record(
        db_session,
        "pki.unlock",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"serial": record.serial},
        defer=True,
    )
    return EnrolledSigner(record, certificate, key, get_ca(app).chain_for(certificate))


def change_passphrase(
    db_session: Session,
    user: User,
    old: str,
    new: str,
    *,
    actor: Any = None,
    app: Flask | None = None,
) -> SigningCertificate:
    """Re-encrypt the same key under a new passphrase (the certificate stays as it is).

    The old passphrase goes through the same throttle as an act: otherwise this would be a
    way to guess it without limit.
    """
    app = _app(app)
    _check_new_passphrase(user, new, check_password=True)
    record, _certificate, key = _unlock(db_session, user, old, app)
    record.encrypted_key = encrypt_private_key(key, new, kdf=kdf_params(app))
    del key
    db_session.flush()
    audit.record(
        db_session,
        "pki.passphrase_changed",
        actor=actor if actor is not None else user,
        object_type="signing_certificate",
        object_id=record.id,
        details={"user_id": user.id, "serial": record.serial},
    )
    # A success resets the failure count, like an unlock for an act.
    audit.record(
        db_session,
        "pki.unlock",
        actor=user,
        object_type="user",
        object_id=user.id,
        details={"serial": record.serial, "purpose": "change_passphrase"},
    )
    return record


def certificate_of(record: SigningCertificate) -> x509.Certificate:
    return x509.load_pem_x509_certificate(record.certificate_pem.encode("ascii"))


def certificate_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)
