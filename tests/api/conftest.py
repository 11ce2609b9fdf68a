"""Fixtures of the API tests: the workflow tests' app (throwaway CA, cheap KDF, enrolled demo
officials, the generated Kotawaringin Timur commitment), tokens, and a client that checks every
response it receives against the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from signing import db
from tests.workflow import conftest as workflow
from tests.workflow.conftest import PARTIES_62_02, PASSPHRASE, Desk, user_named

from .contract import ApiClient

# The workflow tests' fixtures, reused as they are.
ca_template = workflow.ca_template
app = workflow.app
desk = workflow.desk
kotim = workflow.kotim

__all__ = ["PARTIES_62_02", "PASSPHRASE", "Desk", "user_named"]


@pytest.fixture()
def token_for(app: Flask, kalteng):  # type: ignore[no-untyped-def]
    """Builder: ``token_for("gubernur")`` -> a fresh plain token of that account."""
    from signing.api.tokens import create_token

    def make(username: str, name: str = "e-office uji") -> str:
        with app.app_context():
            user = user_named(db.session, username)
            _, plain = create_token(db.session, user, name, actor="test")
            db.session.commit()
        return plain

    return make


@pytest.fixture()
def api(app: Flask, token_for) -> Any:  # type: ignore[no-untyped-def]
    """``api("gubernur")`` -> an :class:`ApiClient` with a fresh token of that account."""

    def make(username: str | None = None, **kwargs: Any) -> ApiClient:
        token = token_for(username, **kwargs) if username else None
        return ApiClient(app, token)

    return make
