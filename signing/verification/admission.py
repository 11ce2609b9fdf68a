"""Who may start a verification now: one address at a time, and no more than the machine has
cores, across every web worker.

The sandbox bounds each verification (time, memory) and each web process (``VERIFY_CONCURRENCY``
children at once), but with several gunicorn workers the per-process bound multiplies, and one
address could fill every slot: twelve uploads at once from one address left eight others
answered 503. Here, before a worker is asked:

- an address with ``VERIFY_CONCURRENCY_PER_IP`` verifications in flight is refused at once
  (:class:`AddressBusy`, the views answer 429): it waits for its own answers, not the others;
- at most ``VERIFY_HOST_CONCURRENCY`` verifications (default: the number of cores) run on the
  machine; a request that finds them all taken waits up to ``VERIFY_QUEUE_SECONDS`` and then
  gets :class:`~signing.verification.sandbox.VerifierBusy` (503).

Slots are ``flock`` locks on small files in ``<instance>/verify-slots/``: shared by every
process on the host, per open file (so threads of one process count separately too), and
released by the kernel when a process dies, so a crashed worker never keeps a slot. Addresses
are spread over 4096 lock files by hash (the address itself is not written anywhere); two
addresses sharing a file at the same moment is rare and costs one of them a retry.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import IO

from flask import Flask

from .sandbox import VerifierBusy

__all__ = ["AddressBusy", "admitted"]

_ADDRESS_BUCKETS = 4096
#: How often a queued request looks for a free slot again.
_POLL_SECONDS = 0.05


class AddressBusy(Exception):
    """This address already has as many verifications in flight as it may."""


def _directory(app: Flask) -> Path:
    path = Path(app.instance_path) / "verify-slots"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def _try_lock(path: Path) -> IO[bytes] | None:
    handle = open(path, "ab")  # noqa: SIM115 - kept open while the slot is held
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


def _first_free(paths: list[Path]) -> IO[bytes] | None:
    for path in paths:
        handle = _try_lock(path)
        if handle is not None:
            return handle
    return None


def host_slots(app: Flask) -> int:
    configured = app.config.get("VERIFY_HOST_CONCURRENCY")
    if configured:
        return max(1, int(configured))
    return max(1, os.cpu_count() or 1)


@contextmanager
def admitted(app: Flask, address: str | None) -> Iterator[None]:
    """Hold an address slot (when ``address`` is given) and a host slot while the body runs.

    :raises AddressBusy: the address has its verifications in flight (no waiting).
    :raises VerifierBusy: every host slot stayed taken for ``VERIFY_QUEUE_SECONDS``.
    """
    directory = _directory(app)
    with ExitStack() as held:
        if address:
            per_address = max(1, int(app.config.get("VERIFY_CONCURRENCY_PER_IP", 1)))
            bucket = int(hashlib.sha256(address.encode()).hexdigest()[:8], 16) % _ADDRESS_BUCKETS
            handle = _first_free(
                [directory / f"address-{bucket:03x}-{k}.lock" for k in range(per_address)]
            )
            if handle is None:
                raise AddressBusy(address)
            held.callback(handle.close)
        slots = [directory / f"host-{k}.lock" for k in range(host_slots(app))]
        deadline = time.monotonic() + float(app.config.get("VERIFY_QUEUE_SECONDS", 10))
        while (handle := _first_free(slots)) is None:
            if time.monotonic() >= deadline:
                raise VerifierBusy
            time.sleep(_POLL_SECONDS)
        held.callback(handle.close)
        yield
