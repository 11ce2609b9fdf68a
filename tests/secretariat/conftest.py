"""Fixtures of the secretariat tests: the demo registry, accounts and event, with or without the
article's day replayed directly in the database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from signing.models import Event, User
from tests.secretariat.builders import rakor_direct


@pytest.fixture()
def demo_event(db_session, kalteng) -> Event:  # type: ignore[no-untyped-def]
    return db_session.get(Event, kalteng["event"].id)


@pytest.fixture()
def rakor(db_session, demo_event):  # type: ignore[no-untyped-def]
    """The demo event after the meeting (acts built directly; committed)."""
    commitments = rakor_direct(db_session, demo_event)
    db_session.commit()
    return commitments


@pytest.fixture()
def staff(auth, kalteng):  # type: ignore[no-untyped-def]
    """The client, logged in as the demo secretariat account."""
    response = auth.login("sekretariat")
    assert response.status_code == 302
    return auth


def user(db_session, username: str) -> User:  # type: ignore[no-untyped-def]
    return db_session.execute(sa.select(User).where(User.username == username)).scalar_one()
