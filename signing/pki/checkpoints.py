"""Signing and checking the audit chain's checkpoints with the office seal.

The seal's private key lives in ``CERTS_DIR`` (encrypted with the CA passphrase), never in the
database: a checkpoint is a statement the database alone cannot forge. A plain signature over
the checkpoint's canonical bytes is enough (no CMS): the verifier is this application, which
holds the seal certificate.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from flask import Flask

from signing.pki import service


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def sign(payload: bytes, app: Flask | None = None) -> tuple[bytes, str]:
    """(signature, seal certificate fingerprint) over ``payload``.

    :raises CaMissing: no CA yet (``signing ca init``).
    """
    ca = service.get_ca(app)
    key = ca.seal_key
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(payload, padding.PKCS1v15(), hashes.SHA256())
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    else:  # pragma: no cover - the CA makes RSA or EC keys only
        raise TypeError(f"unsupported seal key {type(key).__name__}")
    return signature, fingerprint(ca.seal_cert)


def verify(payload: bytes, signature: bytes, signer: str, app: Flask | None = None) -> bool:
    """Whether ``signature`` over ``payload`` was made by the seal named ``signer``."""
    seal = service.get_ca(app).seal_cert
    if signer != fingerprint(seal):
        return False
    public = seal.public_key()
    try:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(signature, payload, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public, ec.EllipticCurvePublicKey):
            public.verify(signature, payload, ec.ECDSA(hashes.SHA256()))
        else:  # pragma: no cover
            return False
    except InvalidSignature:
        return False
    return True
