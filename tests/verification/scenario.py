"""A signed event built through the real operations, once per test session, copied per test.

The registry and demo accounts come from ``prepare_demo``; the CA is a throwaway made here;
documents are generated and sealed by :mod:`signing.commitments.generation` and every act goes
through :func:`signing.workflow.operations.perform_act`, exactly as the web desk does. Building
it takes seconds, so the database and the CA directory are made once per worker and copied into
each test's own folder (on PostgreSQL the rows are restored from a snapshot schema).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from signing import db
from signing.models import ActKind, Commitment, Event, Region, SlotRole, User
from tests.conftest import (
    POSTGRES_URL,
    TEST_PASSWORD,
    _truncate_all,
    make_test_app,
    restore_tables,
    snapshot_tables,
)

PASSPHRASE = "frasa-sandi-uji-verifikasi"
CHEAP_KDF = {"algorithm": "argon2id", "time_cost": 1, "memory_kib": 64, "parallelism": 1}
CONFIG: dict[str, Any] = {
    "KDF_PARAMS": CHEAP_KDF,
    "SIGNING_KEY_KIND": "p256",
    "INSTITUTION": "DPMPTSP Provinsi Kalimantan Tengah",
    "VERIFY_LIMIT_PER_IP": "1000 per minute",
}

KD, KETUA, GUB = SlotRole.KEPALA_DAERAH, SlotRole.KETUA_DPRD, SlotRole.GUBERNUR
SAKSI1, SAKSI2 = SlotRole.SAKSI_WAKIL_GUBERNUR, SlotRole.SAKSI_KETUA_DPRD_PROVINSI

#: Recorded with every act; the public page must never show them.
PRIVATE_IP = "10.62.2.99"
PRIVATE_USER_AGENT = "Peramban-Rahasia/1.0"

#: Who acts where (demo account names), per Kemendagri code of the region.
OFFICIALS = ("gubernur", "wakil-gubernur", "ketua-dprd-provinsi")


@dataclass(frozen=True)
class Scenario:
    """Commitment ids of the event and the sha256 of an older revision kept for tests."""

    event_id: int
    #: Kabupaten Kotawaringin Barat (62.01): fully signed, witnessed, LTA time stamp.
    complete: int
    #: Kabupaten Kotawaringin Timur (62.02): the article's scene, Bupati's signature owed.
    kotim: int
    #: Kabupaten Kapuas (62.03): sealed only, nobody acted yet.
    draft: int
    #: Every other commitment of the event (generated, untouched).
    others: tuple[int, ...]


def _user(session, username: str) -> User:  # type: ignore[no-untyped-def]
    return session.execute(sa.select(User).where(User.username == username)).scalar_one()


def _act(app: Flask, commitment_id: int, role: SlotRole, kind: ActKind, username: str,
         **kwargs: Any):  # type: ignore[no-untyped-def]  # fmt: skip
    from signing.workflow.operations import perform_act

    with app.app_context():
        session = db.session
        user = _user(session, username)
        session.commit()
        act = perform_act(
            session,
            commitment_id=commitment_id,
            role=role,
            kind=kind,
            user=user,
            passphrase=PASSPHRASE,
            ip=PRIVATE_IP,
            user_agent=PRIVATE_USER_AGENT,
            **kwargs,
        )
        session.commit()
        return act.id


def build(app: Flask, *, all_regions: bool = True) -> Scenario:
    """Registry, CA, enrolment, 14 generated commitments and the acts of three of them."""
    from signing.commitments.generation import generate_event
    from signing.demo import prepare_demo
    from signing.pki import service

    with app.app_context():
        session = db.session
        prepare_demo(session, TEST_PASSWORD)
        session.commit()
        service.ensure_ca(app)
        usernames = [
            *OFFICIALS,
            "bupati-62.01",
            "ketua-dprd-62.01",
            "bupati-62.02",
            "wakil-bupati-62.02",
            "ketua-dprd-62.02",
        ]
        for username in usernames:
            service.enrol(session, _user(session, username), PASSPHRASE, actor="test",
                          check_password=False)  # fmt: skip
        session.commit()
        event = session.execute(sa.select(Event).where(Event.is_demo.is_(True))).scalar_one()
        regions = None if all_regions else ["62.01", "62.02", "62.03"]
        report = generate_event(session, event, actor="test", regions=regions)
        assert report.ok, report.errors
        session.commit()
        ids = {
            code: cid
            for code, cid in session.execute(
                sa.select(Region.kemendagri_code, Commitment.id).join(
                    Commitment, Commitment.region_id == Region.id
                )
            )
        }
        event_id = event.id

    kobar, kotim = ids["62.01"], ids["62.02"]
    _act(app, kobar, KD, ActKind.SIGN, "bupati-62.01")
    _act(app, kobar, KETUA, ActKind.SIGN, "ketua-dprd-62.01")
    _act(app, kobar, GUB, ActKind.SIGN, "gubernur")
    _act(app, kobar, SAKSI1, ActKind.WITNESS, "wakil-gubernur")
    _act(app, kobar, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi")

    paraf = _act(app, kotim, KD, ActKind.PARAF, "wakil-bupati-62.02")
    _act(app, kotim, SAKSI1, ActKind.WITNESS, "wakil-gubernur", attests_act_id=paraf)
    _act(app, kotim, SAKSI2, ActKind.WITNESS, "ketua-dprd-provinsi", attests_act_id=paraf)
    _act(app, kotim, KETUA, ActKind.SIGN, "ketua-dprd-62.02")
    _act(app, kotim, GUB, ActKind.SIGN, "gubernur")
    others = tuple(
        cid for code, cid in sorted(ids.items()) if code not in ("62.01", "62.02", "62.03")
    )
    return Scenario(event_id, kobar, kotim, ids["62.03"], others)


@dataclass(frozen=True)
class Template:
    directory: Path
    scenario: Scenario


def make_template(base: Path) -> Template:
    """Build the scenario once into ``base`` (SQLite file + certs) for copying; on PostgreSQL
    into the suite's (migrated, empty) database, whose rows are then kept in a snapshot schema
    (see ``tests.conftest.snapshot_tables``) and the tables emptied again."""
    from signing.db import make_engine
    from signing.migrations import upgrade

    if POSTGRES_URL:
        url = POSTGRES_URL
    else:
        url = f"sqlite:///{base / 'signing.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    app = make_test_app(base, url, CERTS_DIR=str(base / "certs"), **CONFIG)
    try:
        scenario = build(app)
    finally:
        app.extensions["signing.engine"].dispose()
    if POSTGRES_URL:
        snapshot_tables(POSTGRES_URL, _snapshot_name(base))
        _truncate_all(POSTGRES_URL)
    return Template(base, scenario)


def _snapshot_name(base: Path) -> str:
    # One snapshot per template: a worker may build the template twice (the printing tests
    # import the fixture into their own conftest, a separate session fixture), each time with a
    # CA of its own, and one snapshot name would give the rows of one CA to the certs of another.
    return "verification_" + re.sub(r"\W", "_", base.name)


def app_from_template(template: Template, tmp_path: Path, database_url: str,
                      **overrides: Any) -> tuple[Flask, Scenario]:  # fmt: skip
    """A fresh app on a copy of the template: its CA, and its SQLite file or (PostgreSQL) its
    rows restored into ``database_url``'s emptied tables."""
    config = {**CONFIG, **overrides}
    if POSTGRES_URL:
        restore_tables(POSTGRES_URL, _snapshot_name(template.directory))
        url = database_url
    else:
        shutil.copyfile(template.directory / "signing.db", tmp_path / "scenario.db")
        url = f"sqlite:///{tmp_path / 'scenario.db'}"
    shutil.copytree(template.directory / "certs", tmp_path / "certs")
    # The CA passphrase derives from the secret key, which make_test_app fixes for every test.
    app = make_test_app(tmp_path, url, CERTS_DIR=str(tmp_path / "certs"), **config)
    return app, template.scenario
