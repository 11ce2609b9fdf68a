"""Who holds the key: the signer interface and its two implementations.

:class:`ActSigner` is what :mod:`signing.pades.sign` needs from a key holder. The
default, :class:`InternalKeySigner`, signs with a key unlocked from the key store
for one act. :func:`pkcs11_signer` uses a PKCS#11 token (SoftHSM2 in tests, a
certified device later). A remote signing service would be a third subclass.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params

from signing.pki.keystore import PrivateKey
from signing.pki.tsa import to_asn1

__all__ = ["ActSigner", "InternalKeySigner", "Pkcs11ActSigner", "pkcs11_signer"]

# Signed attributes (content type, digest, signing-certificate-v2, algorithm
# protection), SignerInfo and SignedData framing, rounded up generously.
_CMS_OVERHEAD = 1024


def _signature_len(public_key) -> int:
    if isinstance(public_key, rsa.RSAPublicKey):
        return (public_key.key_size + 7) // 8
    if isinstance(public_key, ec.EllipticCurvePublicKey):
        # DER ECDSA: two integers of at most key_size bits plus one sign byte each
        return 2 * ((public_key.curve.key_size + 7) // 8 + 3) + 3
    return 512


class ActSigner(abc.ABC):
    """A key holder able to make one (or more) PAdES signatures.

    Subclasses provide the pyHanko :class:`~pyhanko.sign.signers.pdf_cms.Signer`
    and the signer's certificate; :meth:`close` releases sessions or wipes keys.
    """

    def __init__(self, certificate: x509.Certificate, chain: Sequence[x509.Certificate]):
        self._certificate = certificate
        self._chain = tuple(chain)

    @property
    def certificate(self) -> x509.Certificate:
        """The signer's certificate (pyca/cryptography)."""
        return self._certificate

    @property
    def chain(self) -> Sequence[x509.Certificate]:
        """Issuing CA(s) and root embedded after the leaf."""
        return self._chain

    @property
    @abc.abstractmethod
    def pyhanko_signer(self) -> Signer:
        """The pyHanko signer doing the cryptography."""

    def cms_size_hint(self) -> int:
        """Upper bound of the DER CMS size without a time stamp token.

        Lets :mod:`signing.pades.sign` reserve the signature space up front so that
        pyHanko signs once instead of making a dry-run signature to measure it.
        """
        certs = [self.certificate, *self.chain]
        return (
            sum(len(to_asn1(c).dump()) for c in certs)
            + _signature_len(self.certificate.public_key())
            + _CMS_OVERHEAD
        )

    def close(self) -> None:  # noqa: B027 - optional hook, most signers hold nothing
        """Release resources (token sessions); the object is unusable afterwards."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class _ParsedKeySigner(Signer):
    """pyHanko signer over an already parsed key.

    pyHanko's ``SimpleSigner`` re-parses the DER key for every raw signature
    (~36 ms of OpenSSL RSA checks, twice per act when it also sizes the signature);
    the raw RSA-2048 signature itself takes ~0.25 ms.
    """

    def __init__(
        self,
        signing_cert: asn1_x509.Certificate,
        key: PrivateKey,
        chain: Iterable[asn1_x509.Certificate],
    ):
        # Only the chain: pyHanko adds the signing certificate itself, and a second
        # copy would cost ~1 KB in every signature.
        registry = SimpleCertificateStore()
        registry.register_multiple(list(chain))
        super().__init__(signing_cert=signing_cert, cert_registry=registry)
        self._key = key

    async def async_sign_raw(self, data: bytes, digest_algorithm: str, dry_run=False) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algo = mechanism["algorithm"].native
        key = self._key
        if algo in ("rsassa_pkcs1v15", "sha256_rsa", "sha384_rsa", "sha512_rsa"):
            assert isinstance(key, rsa.RSAPrivateKey)
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algo == "rsassa_pss":
            padding, hash_algo = process_pss_params(mechanism["parameters"])
            assert isinstance(key, rsa.RSAPrivateKey)
            return key.sign(data, padding, hash_algo)
        if algo.endswith("ecdsa"):
            assert isinstance(key, ec.EllipticCurvePrivateKey)
            return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        raise SigningError(f"Unsupported signature mechanism {algo}")


class InternalKeySigner(ActSigner):
    """Signs with a key from the application's key store, parsed once per act.

    Build it right after :func:`signing.pki.keystore.decrypt_private_key` and drop
    it when the act is done: the key stays in memory only as long as this object.
    """

    def __init__(
        self,
        certificate: x509.Certificate,
        private_key: PrivateKey,
        chain: Sequence[x509.Certificate] = (),
    ):
        super().__init__(certificate, chain)
        self._signer: _ParsedKeySigner | None = _ParsedKeySigner(
            to_asn1(certificate), private_key, [to_asn1(c) for c in self._chain]
        )

    @property
    def pyhanko_signer(self) -> Signer:
        if self._signer is None:
            raise SigningError("Signer already closed")
        return self._signer

    def close(self) -> None:
        # Dropping the references is all Python allows; OpenSSL frees the key.
        self._signer = None


class Pkcs11ActSigner(ActSigner):
    """A key on a PKCS#11 token; the session is closed by :meth:`close`."""

    def __init__(self, session, signer: Signer, certificate: x509.Certificate, chain):
        super().__init__(certificate, chain)
        self._session = session
        self._signer = signer

    @property
    def pyhanko_signer(self) -> Signer:
        return self._signer

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


def pkcs11_signer(
    lib_path: str,
    token_label: str,
    user_pin: str,
    key_label: str,
    cert_label: str | None = None,
    *,
    certificate: x509.Certificate | None = None,
    chain: Sequence[x509.Certificate] = (),
) -> Pkcs11ActSigner:
    """Open a session on the token labelled ``token_label`` and wrap the key.

    The certificate comes from the token (``cert_label``) or, when the token holds
    only the key, from ``certificate``. EC keys are signed with the raw ECDSA
    mechanism (hash computed here), which SoftHSM2 and most tokens require.
    """
    # pyHanko's PKCS#11 support needs python-pkcs11, which only a server with an HSM has.
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    session = open_pkcs11_session(
        lib_path, token_criteria=TokenCriteria(label=token_label), user_pin=user_pin
    )
    try:
        asn1_chain = [to_asn1(c) for c in chain]
        if certificate is None:
            if cert_label is None:
                raise SigningError("Need cert_label or certificate")
            probe = PKCS11Signer(session, cert_label=cert_label, key_label=key_label)
            certificate = x509.load_der_x509_certificate(probe.signing_cert.dump())
        use_raw = isinstance(certificate.public_key(), ec.EllipticCurvePublicKey)
        signer = PKCS11Signer(
            session,
            key_label=key_label,
            cert_label=cert_label,
            signing_cert=to_asn1(certificate),
            ca_chain=asn1_chain,
            use_raw_mechanism=use_raw,
            other_certs_to_pull=(),  # the chain is given; skip bulk fetches
        )
        return Pkcs11ActSigner(session, signer, certificate, chain)
    except BaseException:
        session.close()
        raise
