"""Where the CA's online keys live: one backend interface, two implementations.

The online keys (issuing CA, TSA, office seal) sign on every act, so they must be on the
server; the root key must not (see :mod:`signing.pki.ca`: it is written out once at the
ceremony and brought back only to rotate). Both backends hand out objects that behave as
pyca/cryptography private keys, so the certificate and CRL builders, the TSA and the seal
signer use them without knowing where the key is.

- :class:`FileKeyBackend`: ``<label>.key.enc`` in ``CERTS_DIR``, encrypted (see
  :mod:`signing.pki.keystore`) under the CA passphrase, which is independent of SECRET_KEY.
- :class:`Pkcs11KeyBackend`: RSA keys generated inside a PKCS#11 token (a real HSM in
  production, SoftHSM2 in tests), sensitive and not extractable: no copy of the server's
  files reveals them.
"""

from __future__ import annotations

import abc
import os
import threading
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding as asym_padding
from cryptography.hazmat.primitives.asymmetric import rsa

from signing.files import write_atomic

from .errors import PkiError
from .keystore import (
    KdfParams,
    KeyKind,
    PrivateKey,
    decrypt_private_key,
    encrypt_private_key,
    generate_private_key,
)

__all__ = [
    "FileKeyBackend",
    "KeyBackend",
    "Pkcs11KeyBackend",
    "RootKeyOffline",
    "check_root_key_target",
    "export_root_key",
    "import_root_key",
]


class RootKeyOffline(PkiError):
    """The root key is not on this server (by design): bring it back with ``--root-key``."""

    def __init__(self) -> None:
        super().__init__(
            "Kunci privat CA akar tidak disimpan di server. "
            "Bawa kembali berkasnya: signing ca rotate --root-key BERKAS."
        )


class KeyBackend(abc.ABC):
    """Generates, stores and opens the CA's online keys by label."""

    #: Written to ca.json so that a later load asks for the same backend.
    kind: str

    @abc.abstractmethod
    def generate(self, label: str, kind: KeyKind = "rsa2048") -> PrivateKey:
        """A new key stored under ``label``; returned ready to sign."""

    @abc.abstractmethod
    def store(self, label: str, key: PrivateKey) -> None:
        """Keep an existing key under ``label`` (used to take over keys of an older layout)."""

    @abc.abstractmethod
    def load(self, label: str) -> PrivateKey:
        """The key stored under ``label``."""

    @abc.abstractmethod
    def delete(self, label: str) -> None:
        """Destroy the key stored under ``label`` (absent: nothing to do)."""


class FileKeyBackend(KeyBackend):
    """Keys as encrypted files in ``directory`` (the default, e.g. for ``signing demo``)."""

    kind = "file"

    def __init__(
        self, directory: Path, passphrase: bytes | str, kdf: KdfParams | None = None
    ) -> None:
        self.directory = Path(directory)
        self._passphrase = passphrase.encode() if isinstance(passphrase, str) else passphrase
        self._kdf = kdf

    def path(self, label: str) -> Path:
        return self.directory / f"{label}.key.enc"

    def generate(self, label: str, kind: KeyKind = "rsa2048") -> PrivateKey:
        key = generate_private_key(kind)
        self.store(label, key)
        return key

    def store(self, label: str, key: PrivateKey) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        blob = encrypt_private_key(key, self._passphrase, kdf=self._kdf)
        write_atomic(self.path(label), blob, 0o600)

    def load(self, label: str) -> PrivateKey:
        path = self.path(label)
        if not path.exists():
            raise PkiError(f"Berkas kunci CA tidak ditemukan: {path}")
        return decrypt_private_key(path.read_bytes(), self._passphrase)

    def delete(self, label: str) -> None:
        self.path(label).unlink(missing_ok=True)


class _Pkcs11RsaKey(rsa.RSAPrivateKey):
    """An RSA private key that stays in the token; only :meth:`sign` is available."""

    def __init__(self, backend: Pkcs11KeyBackend, label: str, public: rsa.RSAPublicKey) -> None:
        self._backend = backend
        self._label = label
        self._public = public

    def sign(self, data, padding, algorithm) -> bytes:  # type: ignore[no-untyped-def,override]
        return self._backend._sign(self._label, data, padding, algorithm)

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def decrypt(self, ciphertext, padding):  # type: ignore[no-untyped-def,override]
        raise PkiError("Kunci CA di token hanya dipakai untuk menandatangani.")

    def private_numbers(self):  # type: ignore[no-untyped-def,override]
        raise PkiError("Kunci CA di token tidak dapat dikeluarkan.")

    def private_bytes(self, encoding, format, encryption_algorithm):  # type: ignore[no-untyped-def,override]
        raise PkiError("Kunci CA di token tidak dapat dikeluarkan.")

    def __copy__(self) -> _Pkcs11RsaKey:
        return self

    def __deepcopy__(self, memo) -> _Pkcs11RsaKey:  # type: ignore[no-untyped-def]
        return self


class Pkcs11KeyBackend(KeyBackend):
    """RSA keys inside a PKCS#11 token; configuration ``CA_PKCS11_MODULE``/``_TOKEN``/``_PIN``.

    One session per process (reopened after a fork), used under a lock: PKCS#11 sessions
    must not run two operations at once.
    """

    # python-pkcs11 is imported inside the methods: only a server with an HSM needs it.

    kind = "pkcs11"

    def __init__(self, module: str, token_label: str, pin: str) -> None:
        self.module = module
        self.token_label = token_label
        self._pin = pin
        self._lock = threading.Lock()
        self._session = None
        self._pid = 0

    def _open(self):  # type: ignore[no-untyped-def]
        if self._session is None or self._pid != os.getpid():
            import pkcs11

            try:
                token = pkcs11.lib(self.module).get_token(token_label=self.token_label)
                self._session = token.open(rw=True, user_pin=self._pin)
            except (pkcs11.PKCS11Error, RuntimeError, OSError) as error:
                raise PkiError(
                    f"Token PKCS#11 '{self.token_label}' tidak dapat dibuka "
                    f"({type(error).__name__}); periksa SIGNING_CA_PKCS11_MODULE/_TOKEN/_PIN."
                ) from None
            self._pid = os.getpid()
        return self._session

    def generate(self, label: str, kind: KeyKind = "rsa2048") -> PrivateKey:
        import pkcs11
        from pkcs11 import Attribute

        bits = {"rsa2048": 2048, "rsa3072": 3072}.get(kind)
        if bits is None:
            raise PkiError("Backend PKCS#11 CA hanya membuat kunci RSA.")
        with self._lock:
            self._open().generate_keypair(
                pkcs11.KeyType.RSA,
                bits,
                store=True,
                label=label,
                private_template={
                    Attribute.SENSITIVE: True,
                    Attribute.EXTRACTABLE: False,
                    Attribute.SIGN: True,
                },
            )
        return self.load(label)

    def store(self, label: str, key: PrivateKey) -> None:
        import pkcs11
        from pkcs11 import Attribute
        from pkcs11.util.rsa import decode_rsa_private_key

        if not isinstance(key, rsa.RSAPrivateKey):
            raise PkiError("Backend PKCS#11 CA hanya menyimpan kunci RSA.")
        der = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        attrs = decode_rsa_private_key(der)
        attrs.update(
            {
                Attribute.TOKEN: True,
                Attribute.LABEL: label,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
            }
        )
        numbers = key.public_key().public_numbers()
        public = {
            Attribute.CLASS: pkcs11.ObjectClass.PUBLIC_KEY,
            Attribute.KEY_TYPE: pkcs11.KeyType.RSA,
            Attribute.TOKEN: True,
            Attribute.LABEL: label,
            Attribute.MODULUS: numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big"),
            Attribute.PUBLIC_EXPONENT: numbers.e.to_bytes(3, "big"),
        }
        with self._lock:
            session = self._open()
            session.create_object(attrs)
            session.create_object(public)

    def load(self, label: str) -> PrivateKey:
        import pkcs11
        from pkcs11 import Attribute

        with self._lock:
            try:
                public = self._open().get_key(
                    object_class=pkcs11.ObjectClass.PUBLIC_KEY, label=label
                )
            except pkcs11.NoSuchKey:
                raise PkiError(
                    f"Kunci CA '{label}' tidak ada di token '{self.token_label}'."
                ) from None
            numbers = rsa.RSAPublicNumbers(
                int.from_bytes(public[Attribute.PUBLIC_EXPONENT], "big"),
                int.from_bytes(public[Attribute.MODULUS], "big"),
            )
        return _Pkcs11RsaKey(self, label, numbers.public_key())

    def delete(self, label: str) -> None:
        import pkcs11

        with self._lock:
            session = self._open()
            for object_class in (pkcs11.ObjectClass.PRIVATE_KEY, pkcs11.ObjectClass.PUBLIC_KEY):
                for obj in list(
                    session.get_objects(
                        {pkcs11.Attribute.CLASS: object_class, pkcs11.Attribute.LABEL: label}
                    )
                ):
                    obj.destroy()

    def _sign(self, label: str, data: bytes, padding, algorithm) -> bytes:  # type: ignore[no-untyped-def]
        import pkcs11

        mechanisms = {
            "sha256": pkcs11.Mechanism.SHA256_RSA_PKCS,
            "sha384": pkcs11.Mechanism.SHA384_RSA_PKCS,
            "sha512": pkcs11.Mechanism.SHA512_RSA_PKCS,
        }
        name = algorithm.name if isinstance(algorithm, hashes.HashAlgorithm) else None
        if not isinstance(padding, asym_padding.PKCS1v15) or name not in mechanisms:
            raise PkiError("Token PKCS#11 CA: hanya RSA PKCS#1 v1.5 dengan SHA-2.")
        with self._lock:
            private = self._open().get_key(object_class=pkcs11.ObjectClass.PRIVATE_KEY, label=label)
            return bytes(private.sign(data, mechanism=mechanisms[name]))


def check_root_key_target(path: Path, passphrase: str | bytes) -> None:
    """Refuse, before any key is made, a root key file that :func:`export_root_key` could not
    write: a ceremony must not end with a CA whose root key is lost."""
    secret = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
    if len(secret) < 12:
        raise PkiError("Frasa sandi kunci akar minimal 12 karakter.")
    path = Path(path)
    if path.exists():
        raise PkiError(f"Berkas {path} sudah ada; tidak akan ditimpa.")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        raise PkiError(f"Folder {path.parent} tidak dapat dibuat.") from None
    if not os.access(path.parent, os.W_OK):
        raise PkiError(f"Folder {path.parent} tidak dapat ditulisi.")


def export_root_key(key: PrivateKey, path: Path, passphrase: str | bytes) -> None:
    """Write the root key for the administrator to take away: PKCS#8 PEM, encrypted.

    Standard format (``openssl pkey -in FILE`` opens it), so the key outlives this app.
    """
    check_root_key_target(path, passphrase)
    secret = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)


def import_root_key(path: Path, passphrase: str | bytes) -> PrivateKey:
    """Open the root key file written by :func:`export_root_key`."""
    secret = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), secret)
    except FileNotFoundError:
        raise PkiError(f"Berkas kunci akar tidak ditemukan: {path}") from None
    except (ValueError, TypeError):
        raise PkiError("Frasa sandi kunci akar salah atau berkasnya rusak.") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise PkiError("Berkas kunci akar bukan kunci RSA.")
    return key
