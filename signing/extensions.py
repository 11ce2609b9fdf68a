"""Flask extensions, created unbound and initialised in the app factory."""

from __future__ import annotations

from flask import current_app, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_wtf.csrf import CSRFProtect

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Silakan masuk untuk membuka halaman ini."
login_manager.login_message_category = "warning"
login_manager.session_protection = "basic"

csrf = CSRFProtect()

limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True)


def select_locale() -> str:

    languages = current_app.config["LANGUAGES"]
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and getattr(current_user, "is_authenticated", False):
        if current_user.locale in languages:
            return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"] if request else "id"


babel = Babel()
