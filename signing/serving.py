"""Preparing a long-running server process (a gunicorn worker) before it takes requests.

Two measured costs would otherwise fall on officials:

* the first act in a new process costs ~0.1 s more than the next ones (pyHanko's code paths,
  the time stamper's sizing token, the ORM's mapper set-up and first queries, first parses);
* Python's cyclic garbage collector now and then walks every object the process holds: with
  pyHanko, reportlab and the app loaded that is ~160,000 objects and ~95 ms, paid by whichever
  request happens to trigger it. ``gc.freeze()`` after start-up moves the start-up objects out
  of its reach (they live as long as the process anyway), so a collection only walks what
  requests allocate.

gunicorn calls :func:`prepare_worker` from ``post_worker_init`` (see ``gunicorn.conf.py``).
A failure here (no CA yet, the database not reachable) is logged and the worker starts anyway:
the first request then reports the problem the usual way.
"""

from __future__ import annotations

import gc
import logging
import time

from flask import Flask

log = logging.getLogger(__name__)

__all__ = ["prepare_worker"]


def prepare_worker(app: Flask) -> float:
    """Warm the act path up, then freeze the start-up objects; returns the milliseconds spent."""
    started = time.perf_counter()
    try:
        _warm_up(app)
    except Exception as error:  # noqa: BLE001 - never keep a worker from starting
        log.warning("Pemanasan proses dilewati: %s", error)
    finally:
        gc.collect()
        gc.freeze()
    return 1000 * (time.perf_counter() - started)


def _warm_up(app: Flask) -> None:
    import sqlalchemy as sa
    from sqlalchemy.orm import configure_mappers

    # The modules a request imports lazily, imported now.
    import signing.api.views  # noqa: F401
    import signing.commitments.storage  # noqa: F401
    import signing.workflow.operations  # noqa: F401
    from signing import db
    from signing.pades.sign import warm_up
    from signing.pki import service

    configure_mappers()
    with app.app_context():
        try:
            db.session.execute(sa.text("SELECT 1"))
            # An external TSA is not called just to warm up.
            stamper = None if app.config.get("TSA_URL") else service.timestamper(app)
            warm_up(service.seal_signer(app), stamper, service.validation_context(db.session))
        finally:
            db.session.rollback()
