"""Shared fixtures: an app on a fresh database per test, clients, builders.

SQLite (default): each test gets its own copy of a database migrated once per session.
PostgreSQL (``SIGNING_TEST_DATABASE_URL``): migrated once per session; every table is truncated
after each test. Either way no test sees another's data.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signing import create_app
from signing.db import Base, make_engine
from signing.migrations import upgrade

TEST_PASSWORD = "kata-sandi-uji-123"

#: The SIGNING_* variables the suite reads on purpose: which database to test on, where axe-core
#: is (SIGNING_AXE_JS, for the accessibility tests) and where the
#: load test and the benchmark find their services. Every other SIGNING_* variable belongs to the
#: caller's shell (a demo password, a database URL, a TSA) and must not steer the suite.
TEST_SWITCHES = frozenset(
    {
        "SIGNING_TEST_DATABASE_URL",
        "SIGNING_TEST_REDIS_URL",
        "SIGNING_SCALE_REDIS",
        "SIGNING_BENCH_POSTGRES",
        "SIGNING_BENCH_REDIS",
        "SIGNING_AXE_JS",
    }
)
_scrubbed_environment: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Start from a clean configuration: drop the caller's SIGNING_* variables.

    Done here rather than in a fixture because test modules read the environment when they are
    imported (collection happens before any session fixture), and subprocesses the tests start
    (gunicorn, the verification child, the CLI) inherit this environment.
    """
    for name in list(os.environ):
        if name.startswith("SIGNING_") and name not in TEST_SWITCHES:
            _scrubbed_environment[name] = os.environ.pop(name)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (``--dist loadgroup``) a module runs on one worker.

    Modules keep their module fixtures and their order (the schemathesis module checks its own
    run in a later test), and the load tests, which share one Redis database and load both cores
    with gunicorn, run one after another on a single worker. The PAdES modules run on one
    worker too: their session fixtures (a commitment sealed, signed six times and time-stamped,
    with its validations) cost more than all their tests, and are then made once, not per worker.
    """
    together = {Path(__file__).parent / name: name for name in ("scale", "pades")}
    for item in items:
        group = next(
            (name for folder, name in together.items() if folder in item.path.parents),
            item.nodeid.split("::")[0],
        )
        item.add_marker(pytest.mark.xdist_group(group))


def pytest_unconfigure(config: pytest.Config) -> None:
    os.environ.update(_scrubbed_environment)
    _scrubbed_environment.clear()


def _database_of_this_worker(url: str | None) -> str | None:
    """Under pytest-xdist each worker tests on a PostgreSQL database of its own.

    The suite truncates and re-creates the schema of its database, so two workers on one
    database would wipe each other's data. The worker's database is created on first use and
    published in the environment, which modules and subprocesses read.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = sa.engine.make_url(url)
    name = f"{base.database}_{worker}"
    engine = sa.create_engine(
        base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as connection:
        exists = connection.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    worker_url = base.set(database=name).render_as_string(hide_password=False)
    os.environ["SIGNING_TEST_DATABASE_URL"] = worker_url
    return worker_url


POSTGRES_URL = _database_of_this_worker(os.environ.get("SIGNING_TEST_DATABASE_URL"))


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database: a SQLite file to copy, or the PostgreSQL URL itself."""
    if POSTGRES_URL:
        engine = make_engine(POSTGRES_URL)
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
        upgrade(engine)
        engine.dispose()
        return POSTGRES_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    engine.dispose()


def snapshot_tables(url: str, name: str) -> None:
    """PostgreSQL: keep a copy of every table's rows in schema ``snapshot_<name>``.

    The PostgreSQL counterpart of copying a prepared SQLite file: a world built once per
    worker is restored before each test (``restore_tables``) instead of being built again.
    """
    engine = make_engine(url)
    schema = f"snapshot_{name}"
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        for table in Base.metadata.sorted_tables:
            connection.exec_driver_sql(
                f'CREATE TABLE "{schema}"."{table.name}" AS SELECT * FROM "{table.name}"'
            )
    engine.dispose()


def restore_tables(url: str, name: str) -> None:
    """Fill the (emptied) tables with the rows ``snapshot_tables`` kept; sequences follow."""
    engine = make_engine(url)
    schema = f"snapshot_{name}"
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            connection.exec_driver_sql(
                f'INSERT INTO "{table.name}" SELECT * FROM "{schema}"."{table.name}"'
            )
            for column in table.primary_key.columns:
                sequence = connection.execute(
                    sa.select(sa.func.pg_get_serial_sequence(f'"{table.name}"', column.name))
                ).scalar()
                if sequence is not None:  # where the next id comes from: past the rows'
                    connection.execute(
                        sa.select(
                            sa.func.setval(
                                sequence,
                                sa.func.coalesce(sa.func.max(column), 1),
                                sa.func.max(column).is_not(None),
                            )
                        )
                    )
    engine.dispose()


@pytest.fixture()
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    if POSTGRES_URL:
        yield POSTGRES_URL
        _truncate_all(POSTGRES_URL)
        return
    path = tmp_path / "signing.db"
    shutil.copyfile(database_template, path)
    yield f"sqlite:///{path}"


#: Login password hashes at Argon2id's minimum cost (1 pass over 64 KiB instead of 3 over 64 MiB:
#: about 0.2 s of CPU less per login, per account made). App configuration, so the production
#: code runs; the test of the cost itself (test_auth.py) gives its app the production values.
TEST_PASSWORD_HASH = {"PASSWORD_HASH_TIME_COST": 1, "PASSWORD_HASH_MEMORY_KIB": 64}


def make_test_app(tmp_path: Path, database_url: str, **overrides: object) -> Flask:
    config = {
        "TESTING": True,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret",
        # The CA's own passphrase (independent of SECRET_KEY): every test app opens the
        # template CA copied into its CERTS_DIR.
        "CA_PASSPHRASE": "test-ca-passphrase",
        "CERTS_DIR": str(tmp_path / "certs"),
        "BASE_URL": "http://signing.test",
        "SERVER_NAME": None,
    }
    config.update(TEST_PASSWORD_HASH)
    config.update(overrides)
    return create_app(config)


def make_ca_template(base: Path, **config: object) -> Path:
    """A CA made once (per session) through the app's own service; tests copy it per test.

    Every test app has the same CA_PASSPHRASE (see make_test_app), so it can open the copy.
    """
    from signing.pki import service

    app = make_test_app(base, f"sqlite:///{base / 'unused.db'}", **config)
    service.ensure_ca(app)
    app.extensions["signing.engine"].dispose()
    return Path(app.config["CERTS_DIR"])


def app_with_ca(
    tmp_path: Path, database_url: str, ca_template: Path, **config: object
) -> Iterator[Flask]:
    """Body of an ``app`` fixture: the test app on its own copy of ``ca_template``."""
    shutil.copytree(ca_template, tmp_path / "certs")
    app = make_test_app(tmp_path, database_url, **config)
    yield app
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    """The app, with NO application context pushed.

    Flask reuses an already-pushed app context for test-client requests, which would share ``g``
    (our db session, the locale) across requests. Use ``db_session`` for setup and assertions and
    ``with app.app_context():`` around code that needs ``current_app``.
    """
    app = make_test_app(tmp_path, database_url)
    yield app
    app.extensions["signing.engine"].dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


@pytest.fixture()
def db_session(app: Flask):  # type: ignore[no-untyped-def]
    """A session of its own (not the request's), closed after the test."""
    session = app.extensions["signing.sessionmaker"]()
    yield session
    session.close()


def csrf_token(client: FlaskClient) -> str:
    """A valid CSRF token for this client's session (as a form on a page would carry)."""
    response = client.get("/masuk")
    match = re.search(
        r'name="csrf_token" type="hidden" value="([^"]+)"', response.text
    ) or re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    if match:
        return match.group(1)
    # Logged-in clients are redirected away from /masuk: take the token from the home page.
    response = client.get("/", follow_redirects=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
    assert match, "no CSRF token found on the home page"
    return match.group(1)


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
        token = csrf_token(self._client)
        return self._client.post(
            "/masuk", data={"username": username, "password": password, "csrf_token": token}
        )

    def logout(self):  # type: ignore[no-untyped-def]
        return self._client.post("/keluar", data={"csrf_token": csrf_token(self._client)})


@pytest.fixture()
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture()
def make_user(app: Flask, db_session):  # type: ignore[no-untyped-def]
    """Builder: ``make_user("sekretariat", role=Role.SECRETARIAT)`` (committed; the password
    hashed as the app is configured to)."""
    from signing.auth.operations import create_user
    from signing.models import Role

    def build(
        username: str,
        role: Role = Role.OFFICIAL,
        display_name: str | None = None,
        password: str = TEST_PASSWORD,
    ):  # type: ignore[no-untyped-def]
        with app.app_context():
            user = create_user(
                db_session,
                username=username,
                display_name=display_name or username,
                password=password,
                role=role,
            )
        db_session.commit()
        return user

    return build


@pytest.fixture()
def kalteng(app: Flask, db_session):  # type: ignore[no-untyped-def]
    """The Kalimantan Tengah registry with demo holders and accounts (committed)."""
    from signing.demo import prepare_demo

    with app.app_context():  # the accounts' password hashed as the app is configured to
        prepared = prepare_demo(db_session, TEST_PASSWORD)
    db_session.commit()
    return prepared


def count_rows(db_session, model) -> int:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()
