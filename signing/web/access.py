"""Permission helpers shared by every blueprint."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import Session

from signing.extensions import login_manager
from signing.models import Role

T = TypeVar("T")


def role_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse (403) anyone logged in without one of the roles; send anonymous users to login."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def found_or_404(db_session: Session, model: type[T], ident: int, **options: Any) -> T:
    """The row ``model`` with primary key ``ident``, or a 404 answer."""
    found = db_session.get(model, ident, **options)
    if found is None:
        abort(404)
    return found
