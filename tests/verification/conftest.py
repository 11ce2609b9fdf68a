"""Fixtures of the verification tests: an app on a copy of a signed event (see scenario.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from signing import db
from signing.models import Commitment

from .scenario import Scenario, Template, app_from_template, make_template


@pytest.fixture(scope="session")
def signed_template(database_template: str, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The signed event, built once per worker (on PostgreSQL into the migrated database)."""
    return make_template(tmp_path_factory.mktemp("signed-event"))


@pytest.fixture()
def scenario_app(  # type: ignore[no-untyped-def]
    signed_template, tmp_path: Path, database_url: str, request
) -> Iterator[tuple[Flask, Scenario]]:
    """The app on its own copy of the signed event; ``indirect`` params override config."""
    overrides = getattr(request, "param", {}) or {}
    app, scenario = app_from_template(signed_template, tmp_path, database_url, **overrides)
    yield app, scenario
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def app(scenario_app) -> Flask:  # type: ignore[no-untyped-def]
    return scenario_app[0]


@pytest.fixture()
def scenario(scenario_app) -> Scenario:  # type: ignore[no-untyped-def]
    return scenario_app[1]


@pytest.fixture()
def current_pdf_of(app: Flask) -> Callable[[int], bytes]:
    """The stored current PDF of a commitment, read the way the app reads it."""
    from signing.commitments.storage import current_pdf

    def read(commitment_id: int) -> bytes:
        with app.app_context():
            return current_pdf(db.session, db.session.get(Commitment, commitment_id))

    return read


@pytest.fixture()
def verify(app: Flask):  # type: ignore[no-untyped-def]
    """``verify(pdf)`` -> VerificationResult, through the app's own service."""
    from signing.verification.service import verify_upload

    def run(pdf: bytes, **kwargs):  # type: ignore[no-untyped-def]
        with app.app_context():
            try:
                return verify_upload(db.session, pdf, **kwargs)
            finally:
                db.session.rollback()

    return run
