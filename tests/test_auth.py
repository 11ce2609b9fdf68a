import os

import pytest
import sqlalchemy as sa

from signing.models import AuditEntry, Role
from tests.conftest import TEST_PASSWORD, csrf_token, make_test_app


def test_login_and_logout(client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("sekretariat", Role.SECRETARIAT, "Staf Sekretariat")
    response = auth.login("sekretariat")
    assert response.status_code == 302
    assert "Staf Sekretariat" in client.get("/", follow_redirects=True).text
    auth.logout()
    assert "/masuk" in client.get("/").headers["Location"]


def test_wrong_password_gives_a_generic_message(client, auth, make_user, db_session) -> None:  # type: ignore[no-untyped-def]
    make_user("gubernur")
    wrong_password = auth.login("gubernur", "salah-sekali-123")
    unknown_user = auth.login("tidak-ada", TEST_PASSWORD)
    for response in (wrong_password, unknown_user):
        assert response.status_code == 401
        assert "Nama pengguna atau kata sandi salah." in response.text
    failures = (
        db_session.execute(sa.select(AuditEntry).where(AuditEntry.action == "auth.login_failed"))
        .scalars()
        .all()
    )
    assert len(failures) == 2


def test_login_is_throttled_per_account_and_address(app, client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    app.extensions["signing.sleep"] = lambda _seconds: None
    make_user("bupati-62.02")
    statuses = [auth.login("bupati-62.02", f"salah-{i}-xxxxxxx").status_code for i in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # The right password from the same address is refused too: it is the guessing address.
    assert auth.login("bupati-62.02").status_code == 429


def test_throttle_counts_failures_only(client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("gubernur")
    for _ in range(6):
        assert auth.login("gubernur").status_code == 302
        auth.logout()


def test_login_is_throttled_per_ip(app, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per minute"
    statuses = [auth.login(f"akun-{i}", "salah-xxxxxxxx").status_code for i in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_post_without_csrf_token_is_rejected(client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    response = client.post("/masuk", data={"username": "admin", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.text
    assert "/masuk" in client.get("/").headers["Location"]  # not logged in


def test_logout_requires_post(client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    auth.login("admin")
    assert client.get("/keluar").status_code == 405
    assert client.get("/", follow_redirects=True).status_code == 200


def test_logout_invalidates_the_session_server_side(app, client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    auth.login("admin")
    stolen_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    auth.logout()
    replay = app.test_client()
    replay.set_cookie(app.config["SESSION_COOKIE_NAME"], stolen_cookie)
    assert "/masuk" in replay.get("/").headers["Location"]
    assert replay.get("/admin/pengguna").status_code == 302


def test_login_starts_a_fresh_session(app, client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    with client.session_transaction() as session:
        session["left_by_previous_user"] = "x"
    auth.login("admin")
    with client.session_transaction() as session:
        assert "left_by_previous_user" not in session


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ADMIN, 200), (Role.SECRETARIAT, 403), (Role.OFFICIAL, 403)]
)
def test_role_check_on_admin_page(client, auth, make_user, role, status) -> None:  # type: ignore[no-untyped-def]
    make_user("someone", role)
    auth.login("someone")
    assert client.get("/admin/pengguna").status_code == status


@pytest.mark.parametrize(
    ("role", "home"),
    [
        (Role.OFFICIAL, "/kotak-masuk"),
        (Role.SECRETARIAT, "/sekretariat/"),
        (Role.ADMIN, "/admin/pengguna"),
    ],
)
def test_home_sends_each_role_to_its_work(client, auth, make_user, role, home) -> None:  # type: ignore[no-untyped-def]
    make_user("someone", role)
    auth.login("someone")
    assert client.get("/").headers["Location"] == home


def test_anonymous_users_are_sent_to_login(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/admin/pengguna")
    assert response.status_code == 302
    assert "/masuk" in response.headers["Location"]


def test_open_redirect_after_login_is_refused(client, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    token = csrf_token(client)
    response = client.post(
        "/masuk?next=https://evil.example/",
        data={"username": "admin", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_flags(app, client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("admin", Role.ADMIN)
    response = auth.login("admin")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_passwords_are_stored_as_argon2_hashes(db_session, make_user) -> None:  # type: ignore[no-untyped-def]
    user = make_user("admin", Role.ADMIN)
    assert user.password_hash.startswith("$argon2id$")
    assert TEST_PASSWORD not in user.password_hash


def test_an_old_password_hash_is_upgraded_at_login(
    app, client, auth, make_user, db_session
) -> None:  # type: ignore[no-untyped-def]
    """A hash made with weaker Argon2 parameters (an older release) is replaced by one with
    today's parameters when its owner logs in; the password keeps working."""
    from argon2 import PasswordHasher

    from signing import config
    from signing.auth.passwords import needs_rehash

    # Today's (production) cost, not the suite's minimal one (tests/conftest.py).
    app.config.update(
        PASSWORD_HASH_TIME_COST=config.PASSWORD_HASH_TIME_COST,
        PASSWORD_HASH_MEMORY_KIB=config.PASSWORD_HASH_MEMORY_KIB,
    )

    user = make_user("bupati-62.02")
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(TEST_PASSWORD)
    user.password_hash = weak
    db_session.commit()
    assert needs_rehash(weak)

    assert auth.login("bupati-62.02").status_code == 302
    db_session.expire_all()
    upgraded = db_session.get(type(user), user.id).password_hash
    assert upgraded != weak and not needs_rehash(upgraded)
    assert "$m=65536,t=3,p=4$" in upgraded  # RFC 9106's low-memory profile
    auth.logout()
    assert auth.login("bupati-62.02").status_code == 302


def _login_from(client, address: str, username: str, password: str = TEST_PASSWORD, **extra):  # type: ignore[no-untyped-def]
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    data.update(extra)
    return client.post("/masuk", data=data, environ_base={"REMOTE_ADDR": address})


def _flood(client, addresses: list[str], username: str, per_address: int) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        _login_from(client, address, username, f"tebakan-{i}-salah").status_code
        for address in addresses
        for i in range(per_address)
    ]


def test_a_flood_from_one_address_does_not_lock_the_owner_out(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    app.extensions["signing.sleep"] = waits.append
    make_user("bupati-62.02")

    statuses = _flood(client, ["127.0.0.1"], "bupati-62.02", 30)
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}

    owner = app.test_client()
    response = _login_from(owner, "127.0.0.2", "bupati-62.02")
    assert response.status_code == 302
    assert "/masuk" not in response.headers["Location"]
    # Five failures counted for the account: the owner waited the first step of the slowdown.
    assert waits == [1.0]


def test_the_account_as_a_whole_only_slows_down(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    app.extensions["signing.sleep"] = waits.append
    make_user("bupati-62.02")

    # Guessing spread over ten addresses: each stays under its own limits.
    attackers = [f"10.0.0.{n}" for n in range(1, 11)]
    assert set(_flood(client, attackers, "bupati-62.02", 4)) == {401}
    # The first five failures are free, then the wait doubles up to the ceiling.
    assert waits[:5] == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert max(waits) == app.config["LOGIN_SLOWDOWN_MAX_SECONDS"] == 8
    assert len(waits) == 40 - 5

    waits.clear()
    assert _login_from(app.test_client(), "127.0.0.2", "bupati-62.02").status_code == 302
    assert waits == [8.0]
    # Another account is not slowed by it.
    make_user("bupati-62.03")
    waits.clear()
    assert _login_from(app.test_client(), "127.0.0.3", "bupati-62.03").status_code == 302
    assert waits == []


def test_requests_refused_before_the_password_check_do_not_count(app, client, make_user) -> None:  # type: ignore[no-untyped-def]
    waits: list[float] = []
    app.extensions["signing.sleep"] = waits.append
    make_user("bupati-62.02")
    for _ in range(30):
        response = client.post(
            "/masuk",
            data={"username": "bupati-62.02", "password": "salah-sekali-123"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert response.status_code == 400
    # Nor do forms refused before any password was checked (here: no password at all).
    for _ in range(30):
        assert _login_from(client, "127.0.0.1", "bupati-62.02", password="").status_code == 400
    assert _login_from(client, "127.0.0.1", "bupati-62.02").status_code == 302
    assert waits == []


def test_throttles_are_shared_by_workers_through_redis(tmp_path, database_url, make_user) -> None:  # type: ignore[no-untyped-def]
    """Two apps (two gunicorn workers) on one Redis: limits and slowdown are common."""
    redis = pytest.importorskip("redis")
    url = os.environ.get("SIGNING_TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    redis.Redis.from_url(url).flushdb()
    make_user("bupati-62.02")
    workers = [
        make_test_app(tmp_path / f"worker-{n}", database_url, RATELIMIT_STORAGE_URI=url)
        for n in (1, 2)
    ]
    waits: list[float] = []
    for worker in workers:
        worker.extensions["signing.sleep"] = waits.append
    try:
        first, second = (worker.test_client() for worker in workers)
        statuses = _flood(first, ["127.0.0.1"], "bupati-62.02", 3) + _flood(
            second, ["127.0.0.1"], "bupati-62.02", 3
        )
        assert statuses == [401] * 5 + [429]
        # The guessing address is refused on the other worker too; the owner is not.
        assert _login_from(second, "127.0.0.1", "bupati-62.02").status_code == 429
        assert _login_from(first, "127.0.0.2", "bupati-62.02").status_code == 302
        assert waits == [1.0]
    finally:
        redis.Redis.from_url(url).flushdb()
        for worker in workers:
            worker.extensions["signing.engine"].dispose()


def test_login_works_with_rate_limits_switched_off(tmp_path, database_url, make_user) -> None:  # type: ignore[no-untyped-def]
    """RATELIMIT_ENABLED = False (an operator's switch) leaves no limiter storage: a login,
    right or wrong, still answers instead of failing with 500."""
    app = make_test_app(tmp_path / "no-limits", database_url, RATELIMIT_ENABLED=False)
    try:
        make_user("bupati-62.02")
        client = app.test_client()
        assert _login_from(client, "127.0.0.1", "bupati-62.02", "salah-sekali").status_code == 401
        assert _login_from(client, "127.0.0.1", "bupati-62.02").status_code == 302
    finally:
        app.extensions["signing.engine"].dispose()
    # The next app of this process limits again (Flask-Limiter keeps one object for all).
    again = make_test_app(tmp_path / "limits-again", database_url)
    try:
        statuses = _flood(again.test_client(), ["127.0.0.1"], "bupati-62.02", 6)
        assert statuses == [401] * 5 + [429]
    finally:
        again.extensions["signing.engine"].dispose()
