"""A prepared world for web and browser tests, built once per session and copied per test.

The demo registry and accounts, a handful of enrolled officials (P-256 keys, cheap KDF) and
generated commitments: Kotawaringin Timur (62.02) untouched, as at the start of the meeting;
Kotawaringin Barat (62.01) and Kapuas (62.03) signed by both regional parties, so it is the
Gubernur's turn; Palangka Raya (62.71) untouched. Building it costs a few seconds; copying the
SQLite file costs milliseconds.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from signing.models import ActKind, SlotRole
from tests.conftest import TEST_PASSWORD
from tests.workflow.conftest import PARTIES_62_02, PASSPHRASE, Desk

KOTIM, KOBAR, KAPUAS, PALANGKA = "62.02", "62.01", "62.03", "62.71"
#: Every official with a key in the world.
ENROLLED = (
    *PARTIES_62_02.values(),
    "wakil-bupati-62.02",
    "bupati-62.01",
    "ketua-dprd-62.01",
    "bupati-62.03",
    "ketua-dprd-62.03",
    "walikota-62.71",
    "ketua-dprd-62.71",
)
#: Regions whose regional parties have signed in the world.
READY_FOR_GUBERNUR = (KOBAR, KAPUAS)


def build_world(  # type: ignore[no-untyped-def]
    app: Flask,
    db_session: Any,
    *,
    codes: tuple[str, ...] = (KOBAR, KOTIM, KAPUAS, PALANGKA),
    enrolled: tuple[str, ...] = ENROLLED,
    ready: tuple[str, ...] = READY_FOR_GUBERNUR,
):
    """Prepare the world in ``app``'s database; returns ``{region code: commitment id}``.

    ``codes``: regions whose commitment is generated; ``enrolled``: accounts given a key;
    ``ready``: regions whose Bupati/Wali Kota and Ketua DPRD sign (they must be enrolled).
    """
    from signing.demo import prepare_demo

    with app.app_context():  # the accounts' password hashed as the app is configured to
        prepare_demo(db_session, TEST_PASSWORD)
    db_session.commit()
    desk = Desk(app)
    desk.enrol(*enrolled)
    ids = dict(zip(codes, desk.generate(*codes), strict=True))
    for code in ready:
        head = "walikota" if code == PALANGKA else "bupati"
        desk.act(ids[code], SlotRole.KEPALA_DAERAH, ActKind.SIGN, f"{head}-{code}")
        desk.act(ids[code], SlotRole.KETUA_DPRD, ActKind.SIGN, f"ketua-dprd-{code}")
    return ids


__all__ = ["ENROLLED", "KAPUAS", "KOBAR", "KOTIM", "PALANGKA", "PASSPHRASE", "build_world"]
