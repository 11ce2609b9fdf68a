"""CA key custody: the root key leaves at the ceremony, online keys sit in one backend.

The searches below look for a key in every form it could take on the server: any window of
bytes (or of hex digits, or of base64-decoded text) that is a prime factor of the key's modulus
(every PKCS#1/PKCS#8 encoding, PEM or DER, carries both primes), any PEM or DER private key that
opens with no passphrase or with the passphrase the old code derived from SECRET_KEY, and every
encrypted key blob of ours tried with that derived passphrase.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask

from signing.db import Base
from signing.pades.sign import ActKind, Appearance, apply_act, seal_document
from signing.pades.verify import verify_pdf
from signing.pki import service
from signing.pki.ca import init_ca
from signing.pki.errors import PkiError, WrongPassphrase
from signing.pki.keystore import decrypt_private_key

from ..conftest import make_test_app
from ..pades.pdf_helpers import commitment_pdf
from .conftest import CHEAP_KDF, INSTITUTION, SIGNING_PASSPHRASE, pki_config
from .helpers import audit_actions, user

ROOT_PASSPHRASE = "frasa-sandi-akar-uji-123"
SOFTHSM_LIBS = [
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
]
TOKEN = "signing-ca-uji"
PIN = "246810"


@pytest.fixture()
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app with an empty CERTS_DIR and no CA_PASSPHRASE (instance/ca_passphrase is used)."""
    app = make_test_app(
        tmp_path, database_url, **pki_config(tmp_path / "certs", CA_PASSPHRASE=None)
    )
    yield app
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def softhsm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SoftHSM2 token; returns the module path."""
    if shutil.which("softhsm2-util") is None:
        pytest.skip("softhsm2-util (softhsm2) is not installed")
    pkcs11 = pytest.importorskip("pkcs11")
    lib = next((p for p in SOFTHSM_LIBS if Path(p).exists()), None)
    if lib is None:
        pytest.skip("libsofthsm2.so not found")
    directory = tmp_path / "softhsm"
    (directory / "tokens").mkdir(parents=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", TOKEN]
        + ["--pin", PIN, "--so-pin", "13579111"],
        check=True,
        capture_output=True,
    )
    # SoftHSM2 reads SOFTHSM2_CONF when the module is initialised, once per process: another
    # test (or the previous one) may have loaded it with its own token folder.
    pkcs11.lib(lib).reinitialize()
    return lib


def _ceremony(app: Flask, root_key_out: Path) -> None:
    result = app.test_cli_runner().invoke(
        args=["ca", "init", "--root-key-out", str(root_key_out)],
        input=f"{ROOT_PASSPHRASE}\n{ROOT_PASSPHRASE}\n",
    )
    assert result.exit_code == 0, result.output
    assert "Kunci akar ditulis ke" in result.output


# ------------------------------------------------------------------------- the search


def _hay(app: Flask) -> list[tuple[str, bytes]]:
    """Every file under certs/ and instance/, and every database cell (PostgreSQL too)."""
    found = []
    for top in (Path(app.config["CERTS_DIR"]), Path(app.instance_path)):
        for path in sorted(top.rglob("*")):
            if path.is_file():
                found.append((str(path), path.read_bytes()))
    engine = app.extensions["signing.engine"]
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(sa.select(table)):
                for value in row:
                    if value is None:
                        continue
                    raw = bytes(value) if isinstance(value, bytes | memoryview) else None
                    found.append((f"db:{table.name}", raw or str(value).encode()))
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        found.append(("sqlite file", Path(url.removeprefix("sqlite:///")).read_bytes()))
    return found


def _derived_passphrase(app: Flask) -> bytes:
    """The CA passphrase the code before key custody derived from SECRET_KEY."""
    secret = str(app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"signing/ca-passphrase/v1", hashlib.sha256).hexdigest().encode()


def _views(data: bytes) -> list[bytes]:
    """The bytes themselves, the binary behind long hex runs and long base64 runs."""
    views = [data]
    for run in re.findall(rb"[0-9a-fA-F]{128,}", data):
        views.append(binascii.unhexlify(run[: len(run) // 2 * 2]))
    for run in re.findall(rb"(?:[A-Za-z0-9+/]{40,}\r?\n?)+={0,2}", data):
        compact = re.sub(rb"\s", b"", run)
        try:
            views.append(base64.b64decode(compact + b"=" * (-len(compact) % 4)))
        except binascii.Error:
            pass
    return views


def _holds_a_factor(data: bytes, modulus: int) -> bool:
    size = (modulus.bit_length() + 15) // 16
    for view in _views(data):
        for order in ("big", "little"):
            for start in range(len(view) - size + 1):
                window = view[start : start + size]
                first = window[0] if order == "big" else window[-1]
                if first < 0x80:  # OpenSSL's primes have their top bits set
                    continue
                factor = int.from_bytes(window, order)
                if modulus % factor == 0:
                    return True
    return False


def _openable_keys(data: bytes, passphrases: list[bytes]) -> list:  # type: ignore[type-arg]
    keys = []
    for passphrase in passphrases:
        if data.startswith(b"SGKEY"):
            try:
                keys.append(decrypt_private_key(data, passphrase))
            except WrongPassphrase:
                pass
        pattern = rb"-----BEGIN ([A-Z ]*)PRIVATE KEY-----.+?-----END \1PRIVATE KEY-----"
        for block in re.finditer(pattern, data, re.S):
            for password in (None, passphrase):
                try:
                    keys.append(serialization.load_pem_private_key(block.group(0), password))
                except (ValueError, TypeError):
                    pass
    return keys


def assert_no_key_on_the_server(app: Flask, certificates: dict[str, x509.Certificate]) -> None:
    # What a copy of instance/ and SECRET_KEY gives: the derived passphrase, the CA passphrase.
    passphrases = [_derived_passphrase(app)]
    passphrase_file = Path(app.instance_path) / "ca_passphrase"
    if passphrase_file.exists():
        passphrases.append(passphrase_file.read_text().strip().encode())
    fmt = serialization.PublicFormat.SubjectPublicKeyInfo
    wanted = {
        cert.public_key().public_bytes(serialization.Encoding.DER, fmt): name
        for name, cert in certificates.items()
    }
    hay = _hay(app)
    assert any(where.endswith("ca.json") for where, _data in hay)
    for where, data in hay:
        for key in _openable_keys(data, passphrases):
            public = key.public_key().public_bytes(serialization.Encoding.DER, fmt)
            assert public not in wanted, f"{wanted.get(public)} key opens from {where}"
        for name, cert in certificates.items():
            public_key = cert.public_key()
            assert isinstance(public_key, rsa.RSAPublicKey)
            modulus = public_key.public_numbers().n
            assert not _holds_a_factor(data, modulus), f"{name} key material in {where}"


def test_the_search_finds_a_key_in_any_of_its_forms(app, tmp_path):
    """The search itself can fail: plant the root key in the forms it must catch."""
    _ceremony(app, tmp_path / "offline" / "root.p8")
    ca = service.get_ca(app)
    root_key = serialization.load_pem_private_key(
        (tmp_path / "offline" / "root.p8").read_bytes(), ROOT_PASSPHRASE.encode()
    )
    numbers = root_key.private_numbers()
    planted = tmp_path / "certs" / "planted.bin"
    derived = _derived_passphrase(app)
    forms = [
        root_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ),
        root_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(derived),
        ),
        b"p=" + format(numbers.p, "x").encode(),
        numbers.q.to_bytes(192, "little"),
    ]
    from signing.pki.keystore import encrypt_private_key

    forms.append(encrypt_private_key(root_key, derived, kdf=CHEAP_KDF))
    for form in forms:
        planted.write_bytes(form)
        with pytest.raises(AssertionError, match="root key"):
            assert_no_key_on_the_server(app, {"root": ca.root_cert})
    planted.unlink()
    assert_no_key_on_the_server(app, {"root": ca.root_cert})


# ----------------------------------------------------------------------------- tests


def test_ca_init_ceremony_leaves_no_root_key_on_the_server(app, db_session, kalteng, tmp_path):
    root_key_out = tmp_path / "offline" / "root.p8"
    _ceremony(app, root_key_out)
    ca = service.get_ca(app)
    # What signing needs is there and works: an official is enrolled, the seal unlocks.
    service.enrol(
        db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji", app=app
    )
    db_session.commit()
    service.publish_crls(db_session, app)
    assert ca.backend.kind == "file"
    assert not ca.has_root_key
    with pytest.raises(PkiError, match="tidak disimpan di server"):
        _ = ca.root_key
    # The key taken away is the root's, a standard encrypted PKCS#8 file, 0600.
    assert root_key_out.read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert root_key_out.stat().st_mode & 0o077 == 0
    taken = serialization.load_pem_private_key(root_key_out.read_bytes(), ROOT_PASSPHRASE.encode())
    assert taken.public_key() == ca.root_cert.public_key()
    assert (Path(app.instance_path) / "ca_passphrase").stat().st_mode & 0o077 == 0
    assert_no_key_on_the_server(app, {"root": ca.root_cert})


def test_ca_init_refuses_to_overwrite_the_root_key_file(app, tmp_path):
    existing = tmp_path / "root.p8"
    existing.write_bytes(b"lama")
    result = app.test_cli_runner().invoke(
        args=["ca", "init", "--root-key-out", str(existing), "--root-passphrase", ROOT_PASSPHRASE]
    )
    assert result.exit_code == 1
    assert "sudah ada; tidak akan ditimpa" in result.output
    assert existing.read_bytes() == b"lama"
    assert not (tmp_path / "certs" / "ca.json").exists()


def test_ca_init_refuses_a_short_root_passphrase_before_making_anything(app, tmp_path):
    target = tmp_path / "offline" / "root.p8"
    result = app.test_cli_runner().invoke(
        args=["ca", "init", "--root-key-out", str(target), "--root-passphrase", "pendek"]
    )
    assert result.exit_code == 1
    assert "minimal 12 karakter" in result.output
    assert "Traceback" not in result.output
    assert not target.exists()
    assert not (tmp_path / "certs" / "ca.json").exists()


def test_pkcs11_mode_keeps_every_ca_key_off_the_server(
    tmp_path, database_url, softhsm, db_session, kalteng
):
    config = pki_config(
        tmp_path / "hsm-certs",
        CA_PASSPHRASE=None,
        CA_PKCS11_MODULE=softhsm,
        CA_PKCS11_TOKEN=TOKEN,
        CA_PKCS11_PIN=PIN,
    )
    hsm_app = make_test_app(tmp_path / "hsm", database_url, **config)
    try:
        _ceremony(hsm_app, tmp_path / "offline" / "root.p8")
        ca = service.get_ca(hsm_app)
        assert ca.backend.kind == "pkcs11"
        assert not list((tmp_path / "hsm-certs").glob("*.key.enc"))
        with hsm_app.app_context():
            record = service.enrol(
                db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji"
            )
            db_session.commit()
            # The token's keys sign: an act sealed and signed, then validated.
            pdf = _seal_and_sign(hsm_app, db_session, commitment_pdf(), "gubernur")
        x509.load_pem_x509_certificate(record.certificate_pem.encode()).verify_directly_issued_by(
            ca.issuing_cert
        )
        _assert_valid(hsm_app, db_session, pdf)
        # Another server with the same files but no token configuration cannot sign.
        no_token = make_test_app(
            tmp_path / "copy", database_url, **pki_config(tmp_path / "hsm-certs")
        )
        with pytest.raises(PkiError, match="token PKCS#11"):
            service.get_ca(no_token)
        no_token.extensions["signing.engine"].dispose()
        certificates = {
            "root": ca.root_cert,
            "issuing": ca.issuing_cert,
            "tsa": ca.tsa_cert,
            "seal": ca.seal_cert,
        }
        assert_no_key_on_the_server(hsm_app, certificates)
    finally:
        hsm_app.extensions["signing.engine"].dispose()


def test_rotating_the_secret_key_does_not_touch_the_ca_keys(app, tmp_path, database_url):
    _ceremony(app, tmp_path / "offline" / "root.p8")
    before = {p.name: p.read_bytes() for p in (tmp_path / "certs").glob("*.key.enc")}
    assert len(before) == 3
    config = pki_config(tmp_path / "certs", CA_PASSPHRASE=None)
    rotated = make_test_app(tmp_path, database_url, **config, SECRET_KEY="kunci-rahasia-baru")
    try:
        ca = service.get_ca(rotated)
        assert ca.root_cert == service.get_ca(app).root_cert
        assert ca.seal_key.public_key() == ca.seal_cert.public_key()
        assert ca.tsa_key.public_key() == ca.tsa_cert.public_key()
    finally:
        rotated.extensions["signing.engine"].dispose()
    after = {p.name: p.read_bytes() for p in (tmp_path / "certs").glob("*.key.enc")}
    assert after == before


def _seal_and_sign(app: Flask, db_session, pdf: bytes, username: str) -> bytes:  # type: ignore[no-untyped-def]
    with app.app_context():
        pdf = seal_document(
            pdf,
            service.seal_signer(app),
            service.timestamper(app),
            validation_context=service.validation_context(db_session, app),
            location="Palangka Raya",
        )
        signer = service.signer_for_act(db_session, user(db_session, username), SIGNING_PASSPHRASE)
        with signer:
            pdf = apply_act(
                pdf,
                field_name="ttd_gubernur",
                kind=ActKind.SIGN,
                signer=signer,
                appearance=Appearance("Gubernur Demo", "Gubernur Kalimantan Tengah", None),
                timestamper=service.timestamper(app),
                validation_context=service.validation_context(db_session, app),
                location="Palangka Raya",
            )
        db_session.commit()
    return pdf


def _assert_valid(app: Flask, db_session, pdf: bytes) -> None:  # type: ignore[no-untyped-def]
    ca = service.get_ca(app)
    report = verify_pdf(
        pdf,
        trust_roots=ca.trust_roots,
        crls=service.current_crls(db_session, app),
        other_certs=ca.issuing_certs,
    )
    assert report.valid, report.problems
    assert len(report.signatures) >= 2


def test_rotation_keeps_old_documents_valid_and_new_acts_validate(
    app, db_session, kalteng, tmp_path
):
    root_key_file = tmp_path / "offline" / "root.p8"
    _ceremony(app, root_key_file)
    service.enrol(
        db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji", app=app
    )
    db_session.commit()
    old_issuing = service.get_ca(app).issuing_cert
    old_seal = service.get_ca(app).seal_cert
    signed_before = _seal_and_sign(app, db_session, commitment_pdf(), "gubernur")

    wrong = app.test_cli_runner().invoke(
        args=["ca", "rotate", "--root-key", str(root_key_file), "--root-passphrase", "salah-salah"]
    )
    assert wrong.exit_code == 1 and "Frasa sandi kunci akar salah" in wrong.output
    result = app.test_cli_runner().invoke(
        args=["ca", "rotate", "--root-key", str(root_key_file)], input=f"{ROOT_PASSPHRASE}\n"
    )
    assert result.exit_code == 0, result.output
    # A fresh app (another worker) loads the rotated CA from the files alone.
    fresh = make_test_app(
        tmp_path, app.config["DATABASE_URL"], **pki_config(tmp_path / "certs", CA_PASSPHRASE=None)
    )
    try:
        ca = service.get_ca(fresh)
        assert ca.issuing_cert != old_issuing and ca.seal_cert != old_seal
        assert ca.issuing_certs[1] == old_issuing
        assert ca.generation == 2 and not ca.has_root_key
        # The replaced TSA and seal keys are destroyed; the old issuing key stays for its CRL.
        assert sorted(p.name for p in (tmp_path / "certs").glob("*.key.enc")) == [
            "signing-issuing-1.key.enc",
            "signing-issuing-2.key.enc",
            "signing-seal-2.key.enc",
            "signing-tsa-2.key.enc",
        ]
        ca.issuing_cert.verify_directly_issued_by(ca.root_cert)
        ca.seal_cert.verify_directly_issued_by(ca.issuing_cert)
        ca.tsa_cert.verify_directly_issued_by(ca.root_cert)
        # The document signed before the rotation still validates, with today's CRLs.
        _assert_valid(fresh, db_session, signed_before)
        # New acts: the new seal, the gubernur's certificate from the old issuing CA, and a
        # certificate enrolled after the rotation.
        _assert_valid(
            fresh, db_session, _seal_and_sign(fresh, db_session, commitment_pdf(), "gubernur")
        )
        with fresh.app_context():
            record = service.enrol(
                db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji"
            )
            db_session.commit()
        x509.load_pem_x509_certificate(record.certificate_pem.encode()).verify_directly_issued_by(
            ca.issuing_cert
        )
        _assert_valid(
            fresh, db_session, _seal_and_sign(fresh, db_session, commitment_pdf(), "gubernur")
        )
        assert_no_key_on_the_server(fresh, {"root": ca.root_cert})
    finally:
        fresh.extensions["signing.engine"].dispose()
    assert "pki.enrol" in audit_actions(db_session, "pki.")


def test_a_ca_made_before_key_custody_keeps_working_and_migrates(
    app, db_session, kalteng, tmp_path
):
    """The old layout: root key in certs/, all keys under the SECRET_KEY-derived passphrase."""
    certs = tmp_path / "certs"
    derived = _derived_passphrase(app)
    made = init_ca(
        certs, derived, organisation=INSTITUTION, base_url="http://signing.test", kdf=CHEAP_KDF
    )
    # Write what the old code wrote: root.key.enc and <name>.key.enc, ca.json without custody.
    from signing.pki.keystore import encrypt_private_key

    for name in ("root", "issuing", "tsa", "seal"):
        key = made.root_key if name == "root" else made._backend.load(made.key_labels[name])
        (certs / f"{name}.key.enc").write_bytes(encrypt_private_key(key, derived, kdf=CHEAP_KDF))
    for label in made.key_labels.values():
        (certs / f"{label}.key.enc").unlink()
    meta = json.loads((certs / "ca.json").read_text())
    del meta["custody"]
    (certs / "ca.json").write_text(json.dumps(meta))

    ca = service.get_ca(app)
    assert ca.legacy and ca.has_root_key
    old = {"old tsa": ca.tsa_cert, "old seal": ca.seal_cert}
    service.enrol(
        db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji", app=app
    )
    db_session.commit()
    signed_before = _seal_and_sign(app, db_session, commitment_pdf(), "gubernur")
    shown = app.test_cli_runner().invoke(args=["ca", "show"])
    assert "signing ca migrate-custody" in shown.output

    out = tmp_path / "offline" / "root.p8"
    result = app.test_cli_runner().invoke(
        args=["ca", "migrate-custody", "--root-key-out", str(out)],
        input=f"{ROOT_PASSPHRASE}\n{ROOT_PASSPHRASE}\n",
    )
    assert result.exit_code == 0, result.output
    assert not (certs / "root.key.enc").exists()
    ca = service.get_ca(app)
    assert not ca.legacy and not ca.has_root_key
    _assert_valid(app, db_session, signed_before)
    _assert_valid(app, db_session, _seal_and_sign(app, db_session, commitment_pdf(), "gubernur"))
    # The online keys the old passphrase opened are replaced and destroyed; only the old
    # issuing CA's key is kept (it signs that CA's CRL), now under the CA passphrase. The new
    # keys are in the file backend, which the CA passphrase opens by design.
    assert_no_key_on_the_server(app, {"root": ca.root_cert, **old})


def test_rotation_moves_file_keys_into_a_pkcs11_token(
    app, db_session, kalteng, tmp_path, database_url, softhsm
):
    root_key_file = tmp_path / "offline" / "root.p8"
    _ceremony(app, root_key_file)
    service.enrol(
        db_session, user(db_session, "gubernur"), SIGNING_PASSPHRASE, actor="uji", app=app
    )
    db_session.commit()
    signed_before = _seal_and_sign(app, db_session, commitment_pdf(), "gubernur")
    old = service.get_ca(app)
    old_certificates = {"old issuing": old.issuing_cert, "old tsa": old.tsa_cert}
    token_config = pki_config(
        tmp_path / "certs",
        CA_PASSPHRASE=None,
        CA_PKCS11_MODULE=softhsm,
        CA_PKCS11_TOKEN=TOKEN,
        CA_PKCS11_PIN=PIN,
    )
    hsm_app = make_test_app(tmp_path, database_url, **token_config)
    try:
        result = hsm_app.test_cli_runner().invoke(
            args=["ca", "rotate", "--root-key", str(root_key_file)],
            input=f"{ROOT_PASSPHRASE}\n",
        )
        assert result.exit_code == 0, result.output
        ca = service.get_ca(hsm_app)
        assert ca.backend.kind == "pkcs11"
        assert not list((tmp_path / "certs").glob("*.key.enc"))
        _assert_valid(hsm_app, db_session, signed_before)
        _assert_valid(
            hsm_app, db_session, _seal_and_sign(hsm_app, db_session, commitment_pdf(), "gubernur")
        )
        # The passphrase file is still there (the search tries it): it opens nothing now.
        assert (Path(hsm_app.instance_path) / "ca_passphrase").exists()
        certificates = {
            "root": ca.root_cert,
            "issuing": ca.issuing_cert,
            "tsa": ca.tsa_cert,
            "seal": ca.seal_cert,
            **old_certificates,
        }
        assert_no_key_on_the_server(hsm_app, certificates)
    finally:
        hsm_app.extensions["signing.engine"].dispose()
