"""Login and logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from signing import db
from signing.auth import operations, throttle
from signing.extensions import limiter, login_manager
from signing.web.unit import committed

bp = Blueprint("auth", __name__)
# Flask-Login's "please log in" flash, in the reader's language.
login_manager.localize_callback = gettext


class LoginForm(FlaskForm):
    username = StringField("Nama pengguna", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Kata sandi", validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def _load_user(session_id: str):  # type: ignore[no-untyped-def]
    user = operations.load_session_user(db.session, session_id)
    if user is not None:
        user.auth_session_id = session_id
    return user


def _account_and_address_key() -> str:
    # Per account *and* address: a flood from one address never refuses the owner elsewhere.
    username = throttle.normalised(request.form.get("username") or "")
    return f"login-account:{username}:{request.remote_addr}"


def _login_limit_ip() -> str:
    return current_app.config["LOGIN_LIMIT_PER_IP"]


def _login_limit_account() -> str:
    return current_app.config["LOGIN_LIMIT_PER_ACCOUNT"]


def _failed(response) -> bool:  # type: ignore[no-untyped-def]
    # Only wrong credentials (401) count: not a success, and not a request refused before any
    # password was checked (missing CSRF token or empty form: 400), which anyone can send.
    return response.status_code == 401


@bp.route("/masuk", methods=["GET", "POST"])
@limiter.limit(_login_limit_ip, methods=["POST"], deduct_when=_failed)
@limiter.limit(
    _login_limit_account,
    key_func=_account_and_address_key,
    methods=["POST"],
    deduct_when=_failed,
)
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        throttle.wait_for_account(form.username.data)
        with committed():  # a failure's audit entry is kept too
            user = operations.authenticate(db.session, form.username.data, form.password.data)
            if user is None:
                throttle.note_failure(form.username.data)
            else:
                auth_session = operations.open_session(
                    db.session, user, ip=request.remote_addr, user_agent=request.user_agent.string
                )
        if user is None:
            flash(gettext("Nama pengguna atau kata sandi salah."), "error")
            return render_template("auth/login.html", form=form), 401
        # A fresh cookie session on login: nothing from before (e.g. on a shared device) survives.
        session.clear()
        user.auth_session_id = auth_session.id
        login_user(user)
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return None
    return target


@bp.post("/keluar")
@login_required
def logout():  # type: ignore[no-untyped-def]
    # Said in the language the reader used, which outlives the session: the login page that
    # follows speaks it too.
    message = gettext("Anda telah keluar.")
    lang = session.get("lang")
    with committed():
        operations.close_session(
            db.session, current_user.get_id(), current_user._get_current_object()
        )
    logout_user()
    session.clear()
    if lang is not None:
        session["lang"] = lang
    flash(message, "info")
    return redirect(url_for("auth.login"))
