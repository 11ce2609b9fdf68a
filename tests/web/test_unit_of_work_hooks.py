"""What the unit of work keeps of a refusal (``keep``, :func:`record_refusal`), its
read-only block, and that no page commits or rolls back by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from signing import db
from signing.db import read_only
from signing.models import BandScheme
from signing.web.unit import UnitOfWork, record_refusal
from tests.conftest import count_rows

ROOT = Path(__file__).resolve().parents[2] / "signing"
#: The only places that end a page's transaction themselves.
TRANSACTION_OWNERS = {
    "web/unit.py",
    "workflow/submit.py",
}


def _scheme(name: str) -> BandScheme:
    return BandScheme(name=name, valid_from_period="2030", bands=[], details={})


class Refused(Exception):
    """A refusal of some operation (the view names its class)."""


def _refusal() -> Refused:
    return Refused("ditolak")


def test_a_kept_refusal_commits_what_it_wrote(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with UnitOfWork(keep=(Refused,), flash_as=None) as work:
            db.session.add(_scheme("alasan penolakan"))
            db.session.flush()
            raise _refusal()
        assert work.refused and isinstance(work.refusal, Refused)
    assert count_rows(db_session, BandScheme) == 1


def test_record_refusal_rolls_back_then_commits_the_record(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        db.session.add(_scheme("setengah jalan"))
        db.session.flush()
        record_refusal(lambda: db.session.add(_scheme("ditolak")))
    names = db_session.execute(sa.select(BandScheme.name)).scalars().all()
    assert names == ["ditolak"]


def test_read_only_discards_even_on_success(app, db_session) -> None:  # type: ignore[no-untyped-def]
    with app.test_request_context("/"):
        with read_only():
            db.session.add(_scheme("sementara"))
            db.session.flush()
        with pytest.raises(RuntimeError), read_only():
            db.session.add(_scheme("juga sementara"))
            raise RuntimeError("bug")
        db.session.commit()
    assert count_rows(db_session, BandScheme) == 0


def test_no_page_commits_or_rolls_back_by_hand() -> None:
    """Views and API endpoints end their transaction through :mod:`signing.web.unit` (acts through
    :func:`signing.workflow.submit.submit_act`); a hand-written ``commit()`` elsewhere is a view
    deciding its own transaction again."""
    pattern = re.compile(r"\.(commit|rollback)\(\)")
    offenders = []
    for package in ("web", "api"):
        for path in sorted((ROOT / package).rglob("*.py")):
            name = path.relative_to(ROOT).as_posix()
            if name in TRANSACTION_OWNERS or path.name == "cli.py":  # commands commit themselves
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []
    assert (ROOT / "web" / "unit.py").is_file() and (ROOT / "workflow" / "submit.py").is_file()
