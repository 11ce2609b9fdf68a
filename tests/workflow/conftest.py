"""Fixtures of the workflow tests: an app with cheap key derivation, a CA copied from one made
per session, enrolled demo officials, and generated commitments.

Keys are P-256 (instant to generate) except where a test asks for RSA; the KDF is Argon2id with
minimal cost. Both are app configuration, so production code runs unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from signing import db
from signing.models import ActKind, Commitment, Event, Region, SlotRole, User
from tests.conftest import TEST_PASSWORD, app_with_ca, make_ca_template

PASSPHRASE = "frasa-sandi-uji-1"
CHEAP_KDF = {"algorithm": "argon2id", "time_cost": 1, "memory_kib": 64, "parallelism": 1}
WORKFLOW_CONFIG: dict[str, Any] = {
    "KDF_PARAMS": CHEAP_KDF,
    "SIGNING_KEY_KIND": "p256",
    "PASSPHRASE_MAX_FAILURES": 5,
}


@pytest.fixture(scope="session")
def ca_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA made once per session (the CA passphrase derives from the same test secret key)."""
    return make_ca_template(tmp_path_factory.mktemp("workflow-ca"), **WORKFLOW_CONFIG)


@pytest.fixture()
def app(tmp_path: Path, database_url: str, ca_template: Path) -> Iterator[Flask]:
    yield from app_with_ca(tmp_path, database_url, ca_template, **WORKFLOW_CONFIG)


def user_named(session, username: str) -> User:  # type: ignore[no-untyped-def]
    return session.execute(sa.select(User).where(User.username == username)).scalar_one()


class Desk:
    """Acts through perform_act exactly as a view does: one app context, commit once."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def act(
        self,
        commitment_id: int,
        role: SlotRole | str,
        kind: ActKind | str,
        username: str,
        passphrase: str = PASSPHRASE,
        **kwargs: Any,
    ):  # type: ignore[no-untyped-def]
        from signing.workflow.operations import perform_act
        from signing.workflow.rules import WorkflowRefused

        with self.app.app_context():
            session = db.session
            user = user_named(session, username)
            session.commit()
            try:
                act = perform_act(
                    session,
                    commitment_id=commitment_id,
                    role=role,
                    kind=kind,
                    user=user,
                    passphrase=passphrase,
                    **kwargs,
                )
            except WorkflowRefused:
                session.commit()
                raise
            except Exception:
                session.rollback()
                raise
            session.commit()
            return act

    def enrol(self, *usernames: str) -> None:
        from signing.pki import service

        with self.app.app_context():
            session = db.session
            for username in usernames:
                user = user_named(session, username)
                service.enrol(session, user, PASSPHRASE, actor="test", check_password=False)
            session.commit()

    def generate(self, *codes: str) -> list[int]:
        from signing.commitments.generation import generate_commitment

        ids = []
        with self.app.app_context():
            session = db.session
            event = session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
            for code in codes:
                region = session.execute(
                    sa.select(Region).where(Region.kemendagri_code == code)
                ).scalar_one()
                ids.append(generate_commitment(session, event, region, actor="test").id)
            session.commit()
        return ids

    def commitment(self, session, commitment_id: int) -> Commitment:  # type: ignore[no-untyped-def]
        session.rollback()  # end the read snapshot: see what other sessions committed
        return session.get(Commitment, commitment_id)


#: Accounts of one Kabupaten's commitment (Kotawaringin Timur) and the provincial officials.
PARTIES_62_02 = {
    SlotRole.KEPALA_DAERAH: "bupati-62.02",
    SlotRole.KETUA_DPRD: "ketua-dprd-62.02",
    SlotRole.GUBERNUR: "gubernur",
    SlotRole.SAKSI_WAKIL_GUBERNUR: "wakil-gubernur",
    SlotRole.SAKSI_KETUA_DPRD_PROVINSI: "ketua-dprd-provinsi",
}


@pytest.fixture()
def desk(app: Flask, kalteng) -> Desk:  # type: ignore[no-untyped-def]
    desk = Desk(app)
    desk.enrol(*PARTIES_62_02.values(), "wakil-bupati-62.02")
    return desk


@pytest.fixture()
def kotim(desk: Desk) -> int:
    """The generated commitment of Kabupaten Kotawaringin Timur (62.02)."""
    return desk.generate("62.02")[0]


__all__ = ["PASSPHRASE", "TEST_PASSWORD", "Desk", "PARTIES_62_02", "user_named"]
