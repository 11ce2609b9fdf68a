"""RFC 3161 time stamps: the internal TSA (in process, offline) or an external URL."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from asn1crypto import cms, core, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pyhanko.sign import general
from pyhanko.sign.timestamps import DummyTimeStamper, TimeStamper
from pyhanko.sign.timestamps.common_utils import get_nonce
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from .ca import CertificateAuthority
from .errors import PkiError

__all__ = ["InternalTimeStamper", "TsaMaterial", "make_timestamper", "to_asn1"]

#: TSA policy OID under the UUID arc (ITU-T X.667): ours without registering an arc.
TSA_POLICY_OID = "2.25.238148499209316090906724434895328754432"


def to_asn1(cert: x509.Certificate | asn1_x509.Certificate) -> asn1_x509.Certificate:
    """pyHanko speaks asn1crypto; the CA speaks pyca/cryptography."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    return _parsed(cert.public_bytes(serialization.Encoding.DER))


@functools.lru_cache(maxsize=1024)
def _parsed(der: bytes) -> asn1_x509.Certificate:
    # Every act needs the CA chain and the official's certificate as asn1crypto objects; the
    # same few certificates are parsed once per process. pyHanko only reads them (the
    # internal TSA has always shared its certificates across tokens the same way).
    return asn1_x509.Certificate.load(der)


@dataclass(frozen=True)
class TsaMaterial:
    """What the internal TSA needs: its certificate, key and the chain to embed."""

    cert: x509.Certificate
    key: RSAPrivateKey
    chain: tuple[x509.Certificate, ...] = ()


class InternalTimeStamper(DummyTimeStamper):
    """pyHanko's in-process time stamper, made fit for production use.

    The stock class reloads its RSA key from DER for every token (~36 ms of OpenSSL
    key checks each time), stamps a third party's policy OID and names its certificate
    with a SHA-1 ESSCertID. This one keeps the parsed key, uses our own policy OID,
    identifies the certificate by ESSCertIDv2 (SHA-256) and reports time in UTC.
    """

    def __init__(self, material: TsaMaterial):
        if not isinstance(material.key, RSAPrivateKey):
            raise PkiError("Kunci TSA internal harus RSA.")
        super().__init__(
            tsa_cert=to_asn1(material.cert),
            tsa_key=None,  # unused: _sign_tst_info below signs with the parsed key
            certs_to_embed=[to_asn1(c) for c in material.chain],
        )
        self._key = material.key
        # The same for every token: built once and kept parsed, so asn1crypto dumps its bytes
        # instead of serialising the structure (with the TSA's name in it) again per token.
        self._signing_certificate = cms.CMSAttribute.load(
            general.simple_cms_attribute(
                "signing_certificate_v2",
                general.as_signing_certificate_v2(self.tsa_cert, "sha256"),
            ).dump()
        )
        #: Size of the DER certificates a token embeds, for signature space estimates.
        self.embedded_certs_size = len(self.tsa_cert.dump()) + sum(
            len(c.dump()) for c in self.certs_to_embed
        )

    def _build_tst_info(self, message_imprint, dt_, req):
        info = {
            "version": "v1",
            "policy": tsp.ObjectIdentifier(TSA_POLICY_OID),
            "message_imprint": message_imprint,
            "serial_number": get_nonce(),
            "gen_time": dt_,
            "accuracy": {"seconds": 1},
            "tsa": asn1_x509.GeneralName(name="directory_name", value=self.tsa_cert.subject),
        }
        if req["nonce"].native is not None:
            info["nonce"] = req["nonce"]
        return tsp.TSTInfo(info)

    def _sign_tst_info(self, tst_info_data: bytes, md_algorithm: str, dt_: dt.datetime):
        signed_attrs = self._signed_attrs(tst_info_data, md_algorithm, dt_)
        signature = self._key.sign(
            signed_attrs.dump(), PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs

    def _signed_attrs(self, tst_info_data: bytes, md_algorithm: str, dt_: dt.datetime):
        md = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        md.update(tst_info_data)
        attr = general.simple_cms_attribute
        return cms.CMSAttributes(
            [
                attr("content_type", "tst_info"),
                attr("signing_time", cms.Time({"utc_time": core.UTCTime(dt_)})),
                # ESSCertIDv2 with SHA-256 (RFC 5816), not the SHA-1 ESSCertID of RFC 2634.
                self._signing_certificate,
                attr("message_digest", md.finalize()),
            ]
        )


def make_timestamper(
    source: CertificateAuthority | TsaMaterial | None,
    external_url: str | None = None,
    *,
    timeout: float = 10,
) -> TimeStamper:
    """The time stamper for signature and document time stamps.

    With ``external_url`` an RFC 3161 HTTP client is returned (the internal TSA is
    then unused); otherwise the in-process TSA of the CA (or of ``source`` given
    as :class:`TsaMaterial`). Keep the returned object for the process lifetime:
    pyHanko caches a dummy token in it that every act would otherwise recompute.
    """
    if external_url:
        # Only with an external TSA: the HTTP client (and requests) is not loaded otherwise.
        from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper

        return RequestsHTTPTimeStamper(external_url, timeout=timeout)
    if isinstance(source, CertificateAuthority):
        source = TsaMaterial(source.tsa_cert, source.tsa_key, tuple(source.tsa_chain))
    if not isinstance(source, TsaMaterial):
        raise PkiError("Tidak ada TSA: berikan CA, bahan TSA, atau URL TSA eksternal.")
    return InternalTimeStamper(source)
