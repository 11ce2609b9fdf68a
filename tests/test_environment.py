"""The suite ignores the caller's SIGNING_* variables; the overrides it tests, it sets itself."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from signing import create_app
from signing.demo import DEFAULT_DEMO_PASSWORD, demo_password
from signing.pki.demo import DEFAULT_DEMO_PASSPHRASE, demo_passphrase
from tests.conftest import TEST_SWITCHES


def test_no_signing_variable_of_the_caller_reaches_the_tests() -> None:
    # .ci/run runs the suite once with such variables exported; they must not be visible here.
    leaked = sorted(
        name for name in os.environ if name.startswith("SIGNING_") and name not in TEST_SWITCHES
    )
    assert leaked == []


def test_demo_password_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert demo_password() == DEFAULT_DEMO_PASSWORD
    monkeypatch.setenv("SIGNING_DEMO_PASSWORD", "x-Demo-2026!")
    assert demo_password() == "x-Demo-2026!"


def test_demo_passphrase_default_and_override(monkeypatch: pytest.MonkeyPatch) -> None:
    assert demo_passphrase() == DEFAULT_DEMO_PASSPHRASE
    monkeypatch.setenv("SIGNING_DEMO_PASSPHRASE", "x-Pass-2026!")
    assert demo_passphrase() == "x-Pass-2026!"


def test_database_url_default_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert default.config["DATABASE_URL"] == f"sqlite:///{tmp_path.resolve() / 'signing.db'}"
    default.extensions["signing.engine"].dispose()
    other = tmp_path / "elsewhere.db"
    monkeypatch.setenv("SIGNING_DATABASE_URL", f"sqlite:///{other}")
    overridden = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert overridden.config["DATABASE_URL"] == f"sqlite:///{other}"
    overridden.extensions["signing.engine"].dispose()


def test_tsa_url_default_and_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["TSA_URL"] is None
    monkeypatch.setenv("SIGNING_TSA_URL", "http://127.0.0.1:9/")
    assert create_app({"INSTANCE_PATH": str(tmp_path)}).config["TSA_URL"] == "http://127.0.0.1:9/"
