"""Figures: milliseconds per act through perform_act (printed, never asserted)."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import pytest

from signing.models import ActKind, SlotRole

from .conftest import WORKFLOW_CONFIG, Desk

#: docs/design.md: one PAdES signature with the key parsed once and the space reserved.
REFERENCE_SIGN_MS = 11.4


@pytest.mark.parametrize(
    ("label", "overrides"),
    [
        ("P-256, test KDF", {}),
        (
            "RSA-2048, production Argon2id (64 MiB)",
            {"SIGNING_KEY_KIND": "rsa2048", "KDF_PARAMS": None},
        ),
    ],
)
def test_ms_per_act(tmp_path: Path, database_url: str, ca_template: Path, label, overrides) -> None:  # type: ignore[no-untyped-def]
    from signing.demo import prepare_demo
    from tests.conftest import TEST_PASSWORD, make_test_app

    shutil.copytree(ca_template, tmp_path / "certs")
    app = make_test_app(tmp_path, database_url, **{**WORKFLOW_CONFIG, **overrides})
    try:
        session = app.extensions["signing.sessionmaker"]()
        with app.app_context():
            prepare_demo(session, TEST_PASSWORD)
        session.commit()
        session.close()
        desk = Desk(app)
        users = [
            "bupati-62.02",
            "ketua-dprd-62.02",
            "gubernur",
            "wakil-gubernur",
            "ketua-dprd-provinsi",
        ]
        desk.enrol(*users)
        (commitment_id,) = desk.generate("62.02")
        timings = []
        for role, user in zip(list(SlotRole), users, strict=True):
            kind = ActKind.WITNESS if role.is_witness else ActKind.SIGN
            started = time.perf_counter()
            desk.act(commitment_id, role, kind, user)
            timings.append((time.perf_counter() - started) * 1000)
        median = statistics.median(timings[:-1])
        print(
            f"\n{label}: median {median:.0f} ms per act (commit included; the completing act "
            f"with its B-LTA time stamp {timings[-1]:.0f} ms); reference: one bare PAdES "
            f"signature {REFERENCE_SIGN_MS} ms, ratio {median / REFERENCE_SIGN_MS:.1f}x"
        )
    finally:
        app.extensions["signing.engine"].dispose()
