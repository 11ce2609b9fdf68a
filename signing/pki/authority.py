"""The app's CA as the running app holds it: its online keys, its time stamper, its seal.

Binds :mod:`signing.pki.ca` to the current app (``CERTS_DIR``, ``CA_PASSPHRASE``,
``CA_PKCS11_*``, ``BASE_URL``, ``INSTITUTION``, ``TSA_URL``, ``KDF_PARAMS``): the CA is loaded
once per app and kept in ``app.extensions``; the key ceremony and rotations replace it there.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from cryptography import x509
from flask import Flask, current_app

from signing.pades.signers import InternalKeySigner
from signing.pki.ca import CertificateAuthority, init_ca, load_ca, read_custody, rotate_issuing_ca
from signing.pki.custody import (
    FileKeyBackend,
    KeyBackend,
    Pkcs11KeyBackend,
    check_root_key_target,
    export_root_key,
    import_root_key,
)
from signing.pki.errors import CaMissing, PkiError
from signing.pki.keystore import KdfParams
from signing.pki.tsa import make_timestamper

_EXT_CA = "signing.pki.ca"
_EXT_TSA = "signing.pki.timestamper"
#: Where :mod:`signing.pki.revocation` caches the CRLs; a new CA makes them stale.
EXT_CRLS = "signing.pki.crls"
_EXT_BACKEND = "signing.pki.key_backend"
_LOCK = threading.Lock()


def app_or_current(app: Flask | None) -> Flask:
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
    app = app_or_current(app)
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
    value = app_or_current(app).config.get("KDF_PARAMS")
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
    app = app_or_current(app)
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
    app = app_or_current(app)
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
    app = app_or_current(app)
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
    app = app_or_current(app)
    ca = get_ca(app)
    if not ca.legacy:
        raise PkiError("CA ini sudah memakai penyimpanan kunci baru; tidak ada yang dipindah.")
    check_root_key_target(Path(root_key_out), root_passphrase)
    export_root_key(ca.root_key, Path(root_key_out), root_passphrase)
    return rotate_ca(app, Path(root_key_out), root_passphrase)


def _forget_ca(app: Flask, ca: CertificateAuthority) -> None:
    app.extensions[_EXT_CA] = ca
    app.extensions.pop(_EXT_TSA, None)
    app.extensions.pop(EXT_CRLS, None)


def trust_roots(app: Flask | None = None) -> list[x509.Certificate]:
    return list(get_ca(app).trust_roots)


def timestamper(app: Flask | None = None) -> Any:
    """The RFC 3161 time stamper: ``TSA_URL`` when configured, else the internal TSA.

    Kept for the app's lifetime (pyHanko caches a dummy token in it for sizing).
    """
    app = app_or_current(app)
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
