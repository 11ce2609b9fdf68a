"""The PKCS#11 signer on a SoftHSM2 token: the path a certified device would take."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from signing.pades.sign import ActKind, Appearance, apply_act
from signing.pades.signers import pkcs11_signer
from signing.pades.verify import verify_pdf
from signing.pki.ca import issue_certificate

from .conftest import SIGNED_AT

SOFTHSM_LIBS = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
]
TOKEN = "signing-uji"
USER_PIN = "123456"

pytestmark = pytest.mark.skipif(
    shutil.which("softhsm2-util") is None, reason="softhsm2-util (softhsm2) is not installed"
)


@pytest.fixture(scope="module")
def softhsm(tmp_path_factory) -> str:
    """A fresh token in a temporary SOFTHSM2_CONF; returns the module path."""
    pkcs11 = pytest.importorskip("pkcs11")  # python-pkcs11, needed by pyhanko.sign.pkcs11
    from pkcs11.util.ec import encode_named_curve_parameters

    lib = next((p for p in SOFTHSM_LIBS if Path(p).exists()), None)
    if lib is None:
        pytest.skip("libsofthsm2.so not found")
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN]
        + ["--pin", USER_PIN, "--so-pin", "654321"],
        check=True,
        capture_output=True,
    )
    # SoftHSM2 reads SOFTHSM2_CONF once per initialisation: another test may have loaded it.
    pkcs11.lib(lib).reinitialize()
    token = pkcs11.lib(lib).get_token(token_label=TOKEN)
    with token.open(rw=True, user_pin=USER_PIN) as session:
        session.generate_keypair(pkcs11.KeyType.RSA, 2048, store=True, label="kunci-rsa")
        params = session.create_domain_parameters(
            pkcs11.KeyType.EC,
            {pkcs11.Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
            local=True,
        )
        params.generate_keypair(store=True, label="kunci-ec")
    yield lib
    mp.undo()


def _public_key(lib: str, label: str):
    import pkcs11
    from pkcs11.util.ec import encode_ec_public_key

    token = pkcs11.lib(lib).get_token(token_label=TOKEN)
    with token.open(user_pin=USER_PIN) as session:
        pub = session.get_key(object_class=pkcs11.ObjectClass.PUBLIC_KEY, label=label)
        if pub.key_type == pkcs11.KeyType.RSA:
            exponent = int.from_bytes(pub[pkcs11.Attribute.PUBLIC_EXPONENT], "big")
            modulus = int.from_bytes(pub[pkcs11.Attribute.MODULUS], "big")
            return rsa.RSAPublicNumbers(exponent, modulus).public_key()
        return serialization.load_der_public_key(encode_ec_public_key(pub))


@pytest.mark.parametrize("label", ["kunci-rsa", "kunci-ec"])
def test_token_key_signs_a_valid_trusted_act(softhsm, label, ca, sealed_pdf, timestamper, make_vc):
    cert = issue_certificate(
        ca,
        _public_key(softhsm, label),
        common_name=f"Pemegang Token {label}",
        office="Bupati Demo",
        institution="Pemerintah Demo",
    )
    with pkcs11_signer(
        softhsm, TOKEN, USER_PIN, key_label=label, certificate=cert, chain=ca.chain
    ) as signer:
        pdf = apply_act(
            sealed_pdf,
            field_name="ttd_bupati",
            kind=ActKind.SIGN,
            signer=signer,
            appearance=Appearance("Pemegang Token", "Bupati Demo", None, SIGNED_AT),
            timestamper=timestamper,
            validation_context=make_vc(),
        )
    report = verify_pdf(pdf, trust_roots=ca.trust_roots, crls=ca.read_crls())
    assert report.valid, report.problems
    sig = report.signatures[-1]
    assert sig.field_name == "ttd_bupati"
    assert sig.serial == cert.serial_number
    assert sig.trusted and sig.timestamp_time is not None
