"""No state that only one process knows: two app instances ("workers" or machines) on one
database, each with its own instance folder and its own copy of the CA folder.

Runs on SQLite and, with SIGNING_TEST_DATABASE_URL, on PostgreSQL (the suite's usual database
fixture). The Redis test is skipped only when Redis does not answer.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import bench_http
from signing import db
from signing.auth.operations import create_user
from signing.models import ActKind, Commitment, Role, User
from signing.pades.verify import signed_field_names, verify_pdf
from tests.conftest import TEST_PASSWORD, make_test_app

from .conftest import REDIS_URL, SCALE_CONFIG

PASSPHRASE = "frasa-sandi-uji-1"


@pytest.fixture()
def two_apps(tmp_path: Path, database_url: str):  # type: ignore[no-untyped-def]
    """Instance A and instance B: same database and secret key, nothing else shared (B gets a
    copy of A's CA folder, as a second machine would)."""
    from signing.pki import service

    first = make_test_app(tmp_path / "a", database_url, **SCALE_CONFIG)
    service.ensure_ca(first)
    shutil.copytree(first.config["CERTS_DIR"], tmp_path / "b-certs")
    second = make_test_app(
        tmp_path / "b", database_url, CERTS_DIR=str(tmp_path / "b-certs"), **SCALE_CONFIG
    )
    yield first, second
    for app in (first, second):
        app.extensions["signing.engine"].dispose()


def _login(client, username: str, password: str = TEST_PASSWORD):  # type: ignore[no-untyped-def]
    from tests.conftest import csrf_token

    return client.post(
        "/masuk",
        data={"username": username, "password": password, "csrf_token": csrf_token(client)},
    )


def _make_staff(app, username: str) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        create_user(
            db.session,
            username=username,
            display_name=username,
            password=TEST_PASSWORD,
            role=Role.SECRETARIAT,
        )
        db.session.commit()


def test_a_login_made_on_one_instance_works_on_the_other_and_ends_on_both(two_apps) -> None:  # type: ignore[no-untyped-def]
    first, second = two_apps
    _make_staff(first, "sekretariat")
    on_a, on_b = first.test_client(), second.test_client()
    assert _login(on_a, "sekretariat").status_code == 302
    cookie = on_a.get_cookie(first.config["SESSION_COOKIE_NAME"])
    on_b.set_cookie(cookie.key, cookie.value)
    assert on_b.get("/sekretariat/").status_code == 200  # B knows the login A made
    # Logging out on B ends the session for A as well: it is revoked in the database.
    assert on_b.post("/keluar", data={"csrf_token": _csrf_on(on_b)}).status_code == 302
    assert on_a.get("/sekretariat/").status_code == 302


def _csrf_on(client) -> str:  # type: ignore[no-untyped-def]
    import re

    page = client.get("/sekretariat/").text
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def test_the_login_throttle_is_counted_in_redis_for_every_instance(tmp_path, database_url) -> None:  # type: ignore[no-untyped-def]
    """Five failures spread over two instances lock the account on both; the count is in
    Redis (the gunicorn test in test_load.py shows the same across real processes)."""
    import redis

    if not bench_http.redis_reachable(REDIS_URL):
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    bench_http.flush_redis(REDIS_URL)
    apps = [
        make_test_app(tmp_path / name, database_url, RATELIMIT_STORAGE_URI=REDIS_URL)
        for name in ("a", "b")
    ]
    try:
        _make_staff(apps[0], "sekretariat")
        clients = [app.test_client() for app in apps]
        for attempt in range(5):
            client = clients[attempt % 2]  # A, B, A, B, A
            assert _login(client, "sekretariat", "salah-salah-123").status_code == 401
        # Even the right password is refused now from this address, on both.
        assert [_login(client, "sekretariat").status_code for client in clients] == [429, 429]
    finally:
        for app in apps:
            app.extensions["signing.engine"].dispose()
    store = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [key.decode() for key in store.keys("*")]
    finally:
        store.close()
    assert any("login-account:sekretariat" in key for key in keys), keys


def test_pdf_revisions_and_revocations_live_in_the_database(two_apps) -> None:  # type: ignore[no-untyped-def]
    """An act made on A and an act made on B end up in one PDF; a certificate revoked on A is
    refused on B (B builds its CRL from the database, not from its own files)."""
    from signing.commitments.generation import generate_event
    from signing.commitments.storage import current_pdf
    from signing.demo import prepare_demo
    from signing.models import Event
    from signing.pki import service
    from signing.workflow.operations import perform_act
    from signing.workflow.rules import WorkflowRefused

    first, second = two_apps
    with first.app_context():
        session = db.session
        prepare_demo(session, TEST_PASSWORD)
        session.commit()
        for username in ("bupati-62.01", "ketua-dprd-62.01", "gubernur"):
            user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
            service.enrol(session, user, PASSPHRASE, actor="test", check_password=False)
        event = session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
        report = generate_event(session, event, actor="test", regions=["62.01"])
        session.commit()
        commitment_id = report.generated[0].id

    def act(app, slot: str, username: str):  # type: ignore[no-untyped-def]
        with app.app_context():
            session = db.session
            user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
            try:
                done = perform_act(
                    session,
                    commitment_id=commitment_id,
                    role=slot,
                    kind=ActKind.SIGN,
                    user=user,
                    passphrase=PASSPHRASE,
                )
            except WorkflowRefused:
                session.commit()
                raise
            session.commit()
            return done.field_name

    fields = {
        act(first, "kepala_daerah", "bupati-62.01"),
        act(second, "ketua_dprd", "ketua-dprd-62.01"),
    }
    with second.app_context():
        session = db.session
        pdf = current_pdf(session, session.get(Commitment, commitment_id))
        report = verify_pdf(
            pdf, trust_roots=service.trust_roots(), crls=service.current_crls(session)
        )
    assert report.valid, report.problems
    assert fields <= signed_field_names(pdf)
    # The seal and both acts, each followed by its document time stamp.
    assert len([s for s in report.signatures if not s.is_document_timestamp]) == 3
    assert len([s for s in report.signatures if s.is_document_timestamp]) == 3

    with first.app_context():
        session = db.session
        gubernur = session.execute(sa.select(User).where(User.username == "gubernur")).scalar_one()
        service.revoke(
            session, service.active_certificate(session, gubernur), "key_compromise", actor="test"
        )
        session.commit()
    with pytest.raises(WorkflowRefused) as refused:
        act(second, "gubernur", "gubernur")
    assert refused.value.code == "certificate_not_usable"
