from pathlib import Path

import pytest

from signing import create_app


def test_config_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    instance = tmp_path / "inst"
    instance.mkdir()
    (instance / "config.py").write_text(
        'BASE_URL = "http://from-instance"\nINSTITUTION = "Instance"\nMAIL_PORT = 2525\n'
    )
    monkeypatch.setenv("SIGNING_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("SIGNING_INSTITUTION", "Environment")
    monkeypatch.setenv("SIGNING_MAIL_PORT", "2626")
    app = create_app({"INSTITUTION": "Test"})
    # defaults < instance/config.py < environment < test_config
    assert app.config["BASE_URL"] == "http://from-instance"
    assert app.config["MAIL_PORT"] == 2626
    assert app.config["INSTITUTION"] == "Test"
    assert app.config["ENV_MODE"] == "development"
    assert app.config["DATABASE_URL"] == f"sqlite:///{instance / 'signing.db'}"


def test_missing_instance_folder_is_created_with_a_private_secret(tmp_path: Path) -> None:
    instance = tmp_path / "does" / "not" / "exist"
    app = create_app({"INSTANCE_PATH": str(instance)})
    secret_file = instance / "secret_key"
    assert secret_file.exists()
    assert oct(secret_file.stat().st_mode & 0o777) == "0o600"
    assert app.config["SECRET_KEY"] == secret_file.read_text().strip()
    assert len(app.config["SECRET_KEY"]) == 64
    # The secret survives a restart.
    assert (
        create_app({"INSTANCE_PATH": str(instance)}).config["SECRET_KEY"]
        == app.config["SECRET_KEY"]
    )


def test_https_base_url_makes_the_session_cookie_secure(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path), "BASE_URL": "https://ptsp.example"})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_route_gives_a_styled_404(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    assert "style.css" in response.text


def test_static_assets_are_served_locally(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/masuk").text
    assert "http://" not in page.replace("http://signing.test", "") and "https://" not in page
    assert client.get("/static/style.css").status_code == 200


def test_english_is_a_second_locale(client) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import csrf_token

    assert "Kata sandi" in client.get("/masuk").text
    token = csrf_token(client)
    client.post("/bahasa/en", data={"csrf_token": token})
    page = client.get("/masuk").text
    assert "Password" in page and "Kata sandi" not in page


def test_unmigrated_database_names_the_upgrade_command(tmp_path: Path) -> None:
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "TESTING": True, "PROPAGATE_UNEXPECTED": False}
    )
    client = app.test_client()
    page = client.get("/masuk")
    import re

    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    response = client.post("/masuk", data={"username": "x", "password": "y", "csrf_token": token})
    assert response.status_code == 503
    assert "signing db upgrade" in response.text


def test_cli_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    result = app.test_cli_runner().invoke(args=["users", "list"])
    assert result.exit_code == 1
    assert "signing db upgrade" in result.output
