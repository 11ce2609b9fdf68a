"""Time-stamp tokens of the internal TSA: what a validator reads in them."""

from __future__ import annotations

import asyncio
import hashlib

from asn1crypto import cms
from cryptography.hazmat.primitives import serialization

from signing.pki.tsa import TSA_POLICY_OID, make_timestamper


def _token(ca) -> cms.ContentInfo:  # type: ignore[no-untyped-def]
    stamper = make_timestamper(ca)
    return asyncio.run(stamper.async_timestamp(hashlib.sha256(b"komitmen").digest(), "sha256"))


def test_a_token_identifies_the_tsa_certificate_by_ess_cert_id_v2_with_sha256(ca):
    token = _token(ca)
    signed_data = token["content"]
    (signer_info,) = signed_data["signer_infos"]
    attrs = {attr["type"].native: attr["values"][0] for attr in signer_info["signed_attrs"]}
    # Only the v2 attribute (RFC 5816); the SHA-1 ESSCertID of RFC 2634 is gone.
    assert "signing_certificate" not in attrs
    (cert_id,) = attrs["signing_certificate_v2"]["certs"]
    assert cert_id["hash_algorithm"]["algorithm"].native == "sha256"
    tsa_der = ca.tsa_cert.public_bytes(serialization.Encoding.DER)
    assert cert_id["cert_hash"].native == hashlib.sha256(tsa_der).digest()
    tst_info = signed_data["encap_content_info"]["content"].parsed
    assert tst_info["policy"].dotted == TSA_POLICY_OID


def test_a_token_embeds_the_tsa_chain_up_to_the_root(ca):
    certs = {c.chosen.subject.native["common_name"] for c in _token(ca)["content"]["certificates"]}
    assert certs == {
        ca.tsa_cert.subject.rfc4514_string().split("CN=")[1].split(",")[0],
        ca.root_cert.subject.rfc4514_string().split("CN=")[1].split(",")[0],
    }
