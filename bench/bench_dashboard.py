"""Benchmark: the secretariat dashboard for 14 and for 514 commitments.

Builds a throwaway SQLite instance with the national registry (514 Kabupaten/Kota, placeholder
holders), one event for Kalimantan Tengah (14 commitments) and one national event (514), with
acts written directly (two thirds complete, every seventh only initialled by a stand-in). Then,
logged in as the secretariat through Flask's test client, it reports per event:

- the whole dashboard request (render included): median milliseconds and SQL statements;
- the reference beside it: loading the same rows with ``signing.workflow.status.event_overview``
  (selectinload) against the dashboard's own joined loader, milliseconds, statements and ratio.

Not a test: nothing is asserted (the query bound is asserted in tests/secretariat).

    python bench/bench_dashboard.py [RUNS]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import event as sa_event  # noqa: E402

from signing import create_app, db  # noqa: E402
from signing.migrations import upgrade  # noqa: E402
from signing.models import Event, Region, Role  # noqa: E402
from tests.secretariat.national import import_national_registry, national_event  # noqa: E402


class Counter:
    def __init__(self, engine) -> None:  # type: ignore[no-untyped-def]
        self.engine, self.n = engine, 0

    def _hit(self, *_args) -> None:  # type: ignore[no-untyped-def]
        self.n += 1

    def __enter__(self) -> Counter:
        sa_event.listen(self.engine, "before_cursor_execute", self._hit)
        return self

    def __exit__(self, *_exc: object) -> None:
        sa_event.remove(self.engine, "before_cursor_execute", self._hit)


def timed(engine, fn, runs: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    """Median milliseconds over ``runs`` (after one warm-up) and statements of one run."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    with Counter(engine) as counter:
        fn()
    return statistics.median(samples), counter.n


def main(runs: int) -> None:
    from signing.auth.operations import create_user

    base = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    app = create_app(
        {
            "INSTANCE_PATH": str(base),
            "DATABASE_URL": f"sqlite:///{base / 'bench.db'}",
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
        }
    )
    engine = app.extensions["signing.engine"]
    upgrade(engine)
    with app.app_context():
        session = db.session
        import_national_registry(session)
        regions = list(
            session.execute(sa.select(Region).order_by(Region.kemendagri_code)).scalars()
        )
        small = national_event(session, [r for r in regions if r.province_code == "62"])
        large = national_event(session, regions)
        create_user(
            session,
            username="sekretariat",
            display_name="Sekretariat (bench)",
            password="bench-password-123",
            role=Role.SECRETARIAT,
        )
        session.commit()
        events = [(small.id, 14), (large.id, len(regions))]

    client = app.test_client()
    client.post("/masuk", data={"username": "sekretariat", "password": "bench-password-123"})
    print(f"Dashboard benchmark, median of {runs} runs (SQLite, {sys.platform})")
    header = (
        f"{'commitments':>11} | {'page ms':>8} {'stmts':>5} | {'own loader ms':>13} {'stmts':>5}"
        f" | {'event_overview ms':>17} {'stmts':>5} | ratio page/ref"
    )
    print(header)
    print("-" * len(header))
    from signing.secretariat.dashboard import load_overview
    from signing.workflow.status import event_overview

    for event_id, size in events:

        def page(event_id: int = event_id) -> None:
            response = client.get(f"/sekretariat/acara/{event_id}")
            assert response.status_code == 200, response.status_code

        def own(event_id: int = event_id) -> None:
            with app.app_context():
                load_overview(db.session, db.session.get(Event, event_id), with_offices=True)

        def reference(event_id: int = event_id) -> None:
            with app.app_context():
                event_overview(db.session, event_id)

        page_ms, page_n = timed(engine, page, runs)
        own_ms, own_n = timed(engine, own, runs)
        ref_ms, ref_n = timed(engine, reference, runs)
        print(
            f"{size:>11} | {page_ms:>8.1f} {page_n:>5} | {own_ms:>13.1f} {own_n:>5}"
            f" | {ref_ms:>17.1f} {ref_n:>5} | {page_ms / ref_ms:>6.2f}"
        )
    print(
        "stmts counts every statement on the engine, BEGIN and the login lookups included;"
        " 'own loader' and 'event_overview' load the same commitments with their status."
    )
    engine.dispose()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 15)
