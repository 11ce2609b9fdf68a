"""Penandatanganan Komitmen PTSP Prima: the application factory."""

from __future__ import annotations

import os
import secrets
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

# pyHanko imports cryptography's DSA key types, which cryptography 51 deprecates; we never make
# or accept DSA keys, so the warning would only clutter every command's output.
warnings.filterwarnings("ignore", message="DSA is deprecated", module="pyhanko")

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application.

    Configuration precedence, lowest first: ``signing.config``, ``instance/config.py``,
    ``SIGNING_*`` environment variables, then ``test_config``.
    """
    instance_path = os.environ.get("SIGNING_INSTANCE_PATH") or (test_config or {}).get(
        "INSTANCE_PATH"
    )
    app = Flask(
        __name__,
        instance_path=str(Path(instance_path).resolve()) if instance_path else None,
        instance_relative_config=True,
        template_folder=str(PROJECT_DIR / "templates"),
        static_folder=str(PACKAGE_DIR / "static"),
    )
    from signing.files import private_directory

    private_directory(Path(app.instance_path))

    from signing import config

    app.config.from_object(config)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    _finish_config(app)

    from signing import db

    db.init_app(app)
    from signing import request_body

    request_body.init_app(app)
    from signing import audit

    audit.init_app(app)
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    _init_extensions(app)
    _register_blueprints(app)

    from signing.cli import register_commands

    register_commands(app)
    return app


def _finish_config(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app)
    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "signing.db")
    if not app.config.get("CERTS_DIR"):
        app.config["CERTS_DIR"] = str(PROJECT_DIR / "certs")
    if app.config.get("PREFERRED_URL_SCHEME") == "https" or app.config["BASE_URL"].startswith(
        "https://"
    ):
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URI"]
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)


def _instance_secret(app: Flask) -> str:
    """A random secret created on first start, kept in the instance folder, never committed."""
    from signing.files import tighten_if_present

    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    else:
        tighten_if_present(path)
    return path.read_text().strip()


def _init_extensions(app: Flask) -> None:
    from signing import i18n
    from signing.extensions import babel, csrf, limiter, login_manager, select_locale

    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=i18n.compiled_directory(app),
    )
    i18n.init_app(app)


def _register_blueprints(app: Flask) -> None:
    # Imported here, when an app is made: the features import their models and the rest of the
    # package, which a bare ``import signing`` (the CLI's entry point, Alembic) does not need.
    from signing import api
    from signing.web import (
        admin,
        auth,
        desk,
        documents,
        errors,
        headers,
        inbox,
        main,
        pki,
        printing,
        secretariat,
        verify,
    )

    for blueprint in (
        auth.bp,
        main.bp,
        admin.bp,
        pki.bp,
        secretariat.bp,
        verify.bp,
        printing.bp,
        inbox.bp,
        desk.bp,
        documents.bp,
        api.bp,
    ):
        app.register_blueprint(blueprint)
    errors.init_app(app)
    headers.init_app(app)
    app.jinja_env.globals["has_endpoint"] = lambda name: name in app.view_functions
