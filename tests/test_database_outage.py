"""A database that goes away answers 503 "database tidak tersedia", then recovers by itself
(issue 17, finding 6); "not migrated" is kept for a schema that really is behind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing import create_app
from signing.api import tokens
from signing.models import Role
from tests.conftest import POSTGRES_URL

UNAVAILABLE = "Database tidak tersedia"


def _token(make_user, db_session) -> str:  # type: ignore[no-untyped-def]
    user = make_user("sekretariat-uji", role=Role.SECRETARIAT)
    _record, plain = tokens.create_token(db_session, user, "uji")
    db_session.commit()
    return plain


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_terminate_backend needs PostgreSQL")
def test_a_terminated_postgresql_connection_gives_503_then_recovers(
    app, make_user, db_session
) -> None:
    app.config["PROPAGATE_UNEXPECTED"] = True  # an unhandled error would raise here
    plain = _token(make_user, db_session)
    engine = app.extensions["signing.engine"]
    killer = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))
    armed = {"on": False}

    @sa.event.listens_for(engine, "checkout")
    def _terminate(dbapi_connection, _record, _proxy) -> None:  # type: ignore[no-untyped-def]
        # After the pool's pre-ping: the request gets a connection that the server ends now,
        # as a restart or an administrator would.
        if armed["on"]:
            armed["on"] = False
            with killer.begin() as connection:
                connection.execute(
                    sa.text("SELECT pg_terminate_backend(:pid)"),
                    {"pid": dbapi_connection.info.backend_pid},
                )

    client = app.test_client()
    try:
        assert client.get("/v/TIDAKADA").status_code == 404
        armed["on"] = True
        page = client.get("/v/TIDAKADA")
        assert page.status_code == 503
        assert UNAVAILABLE in page.text and "db upgrade" not in page.text
        assert page.headers["Retry-After"]
        assert client.get("/v/TIDAKADA").status_code == 404  # recovered by itself

        headers = {"Authorization": f"Bearer {plain}"}
        armed["on"] = True
        answer = client.get("/api/v1/events", headers=headers)
        assert answer.status_code == 503
        assert answer.json["error"]["code"] == "database_unavailable"
        assert answer.json["error"]["message"].startswith(UNAVAILABLE)
        assert client.get("/api/v1/events", headers=headers).status_code == 200
    finally:
        sa.event.remove(engine, "checkout", _terminate)
        killer.dispose()


def test_an_sqlite_file_that_cannot_be_opened_gives_503_then_recovers(
    tmp_path: Path, database_template: str
) -> None:
    if POSTGRES_URL:
        # On PostgreSQL the template is the URL: make an SQLite copy of the schema here.
        from signing.db import make_engine
        from signing.migrations import upgrade

        template = tmp_path / "template.db"
        engine = make_engine(f"sqlite:///{template}")
        upgrade(engine)
        engine.dispose()
    else:
        template = Path(database_template)
    folder = tmp_path / "daten"  # not there yet: the file cannot be opened
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{folder / 'signing.db'}",
            "SECRET_KEY": "test-secret",
        }
    )
    client = app.test_client()
    page = client.get("/v/TIDAKADA")
    assert page.status_code == 503
    assert UNAVAILABLE in page.text and "db upgrade" not in page.text
    answer = client.get("/api/v1/events", headers={"Authorization": "Bearer acak"})
    assert (answer.status_code, answer.json["error"]["code"]) == (503, "database_unavailable")
    # The volume comes back: the next request is served.
    folder.mkdir()
    shutil.copyfile(template, folder / "signing.db")
    assert client.get("/v/TIDAKADA").status_code == 404
    assert client.get("/api/v1/events", headers={"Authorization": "Bearer acak"}).status_code == 401
    app.extensions["signing.engine"].dispose()


def test_a_schema_that_is_behind_still_names_the_upgrade_command(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    page = app.test_client().get("/v/TIDAKADA")
    assert page.status_code == 503
    assert "signing db upgrade" in page.text and UNAVAILABLE not in page.text


@pytest.mark.skipif(not POSTGRES_URL, reason="pg_terminate_backend needs PostgreSQL")
def test_a_connection_lost_before_teardown_does_not_turn_the_answer_into_a_500(app) -> None:
    from signing import db

    killer = sa.create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://"))

    @app.after_request
    def _terminate(response):  # type: ignore[no-untyped-def]
        # The answer is made; the session still holds its transaction when the server ends
        # the connection, so the teardown's rollback meets a dead connection.
        dbapi_connection = db.session.connection().connection.dbapi_connection
        with killer.begin() as connection:
            connection.execute(
                sa.text("SELECT pg_terminate_backend(:pid)"),
                {"pid": dbapi_connection.info.backend_pid},
            )
        return response

    client = app.test_client()
    try:
        assert client.get("/v/TIDAKADA").status_code == 404
        app.after_request_funcs[None].remove(_terminate)
        assert client.get("/v/TIDAKADA").status_code == 404
    finally:
        killer.dispose()


def test_the_cli_says_the_database_is_unavailable_not_unmigrated(tmp_path: Path) -> None:
    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'tidak-ada' / 'signing.db'}",
        }
    )
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 1
    assert "Database tidak tersedia" in result.output
    assert "db upgrade" not in result.output
