"""A server worker's preparation: the act path warmed up, start-up objects frozen for the GC."""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from signing.serving import prepare_worker

from .conftest import app_with_ca, make_ca_template


@pytest.fixture(scope="module")
def ca_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_ca_template(tmp_path_factory.mktemp("ca-template"))


@pytest.fixture()
def app(tmp_path: Path, database_url: str, ca_template: Path) -> Iterator[Flask]:
    yield from app_with_ca(tmp_path, database_url, ca_template)


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()  # the rest of the test session collects as usual


def test_a_worker_is_warmed_up_by_a_real_act_and_its_start_up_objects_frozen(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    from signing.pki import service

    gc.unfreeze()
    with caplog.at_level(logging.WARNING, logger="signing.serving"):
        milliseconds = prepare_worker(app)
    assert caplog.records == []  # the warm-up act went through
    assert milliseconds > 0
    assert gc.get_freeze_count() > 10_000
    # What the first act would otherwise have built is there now.
    assert "signing.pki.timestamper" in app.extensions
    assert service.timestamper(app) is app.extensions["signing.pki.timestamper"]


def test_a_worker_without_a_ca_still_starts_and_says_why(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    from .conftest import make_test_app

    app = make_test_app(tmp_path, database_url)  # no CA in its certs folder
    try:
        with caplog.at_level(logging.WARNING, logger="signing.serving"):
            prepare_worker(app)
    finally:
        app.extensions["signing.engine"].dispose()
    assert "Pemanasan proses dilewati" in caplog.text
    assert gc.get_freeze_count() > 0
