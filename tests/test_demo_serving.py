"""``signing demo --port``: the QR codes point at the address the demo is served at."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing.db import make_engine
from tests.verification.scenario import CHEAP_KDF
from tests.workflow import conftest as workflow_fixtures

ca_template = workflow_fixtures.ca_template

pytestmark = pytest.mark.skipif(
    not (shutil.which("zbarimg") and shutil.which("pdftoppm")),
    reason="zbar-tools / poppler-utils tidak terpasang",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    assert port != 5000
    return port


def _wait_until_served(url: str, server: subprocess.Popen[bytes], deadline: float) -> None:
    """Poll until the demo answers (it prepares its data first); fail if it exits."""
    while time.monotonic() < deadline:
        if server.poll() is not None:
            output = server.stdout.read().decode() if server.stdout else ""
            pytest.fail(f"signing demo berhenti ({server.returncode}):\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)  # waiting for a child process to listen, not timing anything
    pytest.fail("signing demo tidak melayani dalam 120 detik")


def _qr_codes(pdf: bytes, workdir: Path) -> list[str]:
    (workdir / "doc.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", str(workdir / "doc.pdf"), str(workdir / "page")],
        check=True,
    )
    found: list[str] = []
    for image in sorted(workdir.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", str(image)], capture_output=True, text=True
        )
        found += result.stdout.split()
    return found


def test_demo_served_on_another_port_prints_qr_codes_for_that_port(
    tmp_path: Path, database_url: str, ca_template: Path
) -> None:
    instance = tmp_path / "instance"
    instance.mkdir()
    # Cheap key derivation so forty-odd demo officials enrol quickly; the CA passphrase of every
    # test app opens the session CA template.
    (instance / "config.py").write_text(
        f'SECRET_KEY = "test-secret"\nCA_PASSPHRASE = "test-ca-passphrase"\n'
        f'KDF_PARAMS = {CHEAP_KDF!r}\nSIGNING_KEY_KIND = "p256"\n'
    )
    shutil.copytree(ca_template, tmp_path / "certs")
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SIGNING_")},
        "SIGNING_INSTANCE_PATH": str(instance),
        "SIGNING_DATABASE_URL": database_url,
        "SIGNING_CERTS_DIR": str(tmp_path / "certs"),
    }
    server = subprocess.Popen(
        [sys.executable, "-c", "from signing.cli import main; main()", "demo", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_served(base + "/verifikasi", server, time.monotonic() + 120)
        engine = make_engine(database_url)
        with engine.connect() as connection:
            code = connection.execute(
                sa.text("SELECT code FROM commitments ORDER BY id LIMIT 1")
            ).scalar_one()
        engine.dispose()
        with urllib.request.urlopen(f"{base}/v/{code}/unduh", timeout=30) as response:
            pdf = response.read()
        with urllib.request.urlopen(f"{base}/v/{code}", timeout=30) as response:
            landing = response.read().decode()
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert f"Membuka {base}/" in output
    codes = _qr_codes(pdf, tmp_path)
    assert f"{base}/v/{code}" in codes, codes
    assert not any(":5000" in text for text in codes)
    assert ":5000/" not in landing


def test_wildcard_host_gives_an_address_others_can_reach() -> None:
    from signing.demo import served_url

    assert served_url("127.0.0.1", 5101) == "http://127.0.0.1:5101"
    assert served_url("demo.local", 8080) == "http://demo.local:8080"
    assert served_url("::1", 5101) == "http://[::1]:5101"
    outward = served_url("0.0.0.0", 5101)
    assert outward.startswith("http://") and outward.endswith(":5101")
    assert "0.0.0.0" not in outward
