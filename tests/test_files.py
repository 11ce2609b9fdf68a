"""Private files: the SQLite database and its -wal/-shm, the secret key and the key files.

Checked with ``stat`` on a fresh instance made under a permissive umask (022, the usual
default), so the modes come from the app and not from the test's environment. The database
here is always a SQLite file in the instance folder (its files are what is at stake), also
when the rest of the suite runs on PostgreSQL.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing import create_app
from signing.migrations import upgrade


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture()
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def _app(tmp_path: Path):  # type: ignore[no-untyped-def]
    # No SECRET_KEY and no DATABASE_URL: the app makes its own, as on a real first start.
    return create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "CERTS_DIR": str(tmp_path / "certs"),
            "BASE_URL": "http://signing.test",
        }
    )


def test_database_secret_and_keys_are_private(tmp_path: Path, umask_022: None) -> None:
    from signing.pki import service

    app = _app(tmp_path)
    instance = tmp_path / "instance"
    engine = app.extensions["signing.engine"]
    upgrade(engine)
    with engine.connect() as connection:
        # While a connection is open in WAL mode, the -wal and -shm files exist.
        connection.execute(sa.text("SELECT count(*) FROM users")).scalar_one()
        files = [instance / name for name in ("signing.db", "signing.db-wal", "signing.db-shm")]
        assert all(path.exists() for path in files)
        assert {path.name: oct(_mode(path)) for path in files} == {
            path.name: "0o600" for path in files
        }
    assert oct(_mode(instance / "secret_key")) == "0o600"
    assert oct(_mode(instance)) == "0o700"

    service.ensure_ca(app)
    certs = tmp_path / "certs"
    assert oct(_mode(certs)) == "0o700"
    keys = sorted(certs.glob("*.key*"))
    assert keys, "the CA wrote no key files"
    assert {path.name: oct(_mode(path)) for path in keys} == {path.name: "0o600" for path in keys}
    engine.dispose()


def test_an_older_world_readable_instance_is_tightened(tmp_path: Path, umask_022: None) -> None:
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    for name in ("signing.db", "signing.db-wal", "signing.db-shm", "secret_key"):
        (instance / name).write_bytes(b"" if name != "secret_key" else b"old-secret")
        (instance / name).chmod(0o644)

    app = _app(tmp_path)

    for name in ("signing.db", "signing.db-wal", "signing.db-shm", "secret_key"):
        assert oct(_mode(instance / name)) == "0o600", name
    assert oct(_mode(instance)) == "0o700"
    assert app.config["SECRET_KEY"] == "old-secret"
    app.extensions["signing.engine"].dispose()
