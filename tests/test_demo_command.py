"""``signing demo``: refuses production, prepares idempotently, prints the credentials."""

from __future__ import annotations

import sqlalchemy as sa

from signing.models import User
from tests.conftest import count_rows, make_test_app


def test_demo_refuses_to_create_accounts_in_production(tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    app = make_test_app(tmp_path, database_url, ENV_MODE="production")
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 1
    assert "Mode produksi" in result.output
    engine = app.extensions["signing.engine"]
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
    engine.dispose()


def test_demo_password_comes_from_the_environment(app, monkeypatch, db_session) -> None:  # type: ignore[no-untyped-def]
    from signing.auth.passwords import check_password

    monkeypatch.setenv("SIGNING_DEMO_PASSWORD", "rahasia-demo-khusus")
    monkeypatch.setattr("signing.demo._demo_steps", lambda: [])  # registry and accounts only
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "--no-serve"])
    assert first.exit_code == 0, first.output
    assert "rahasia-demo-khusus" in first.output
    users = count_rows(db_session, User)
    second = runner.invoke(args=["demo", "--no-serve"])
    assert second.exit_code == 0, second.output
    assert count_rows(db_session, User) == users  # idempotent
    bupati = db_session.execute(sa.select(User).where(User.username == "bupati-62.02")).scalar_one()
    assert check_password(bupati.password_hash, "rahasia-demo-khusus")
    assert bupati.is_demo
