import pytest
import sqlalchemy as sa

from signing.models import AuditEntry, Role
from tests.conftest import TEST_PASSWORD, csrf_token


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


def test_login_is_throttled_per_account(client, auth, make_user) -> None:  # type: ignore[no-untyped-def]
    make_user("bupati-62.02")
    statuses = [auth.login("bupati-62.02", f"salah-{i}-xxxxxxx").status_code for i in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # Even the right password is refused while throttled: that is the point.
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
