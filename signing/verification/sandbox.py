"""Run pyHanko's verification of an untrusted upload in a child process with hard limits.

Why a process and not a worker thread: a thread cannot be stopped, so a PDF that makes
pyHanko loop or allocate without end (deeply nested objects, a decompression bomb) would keep
burning CPU and memory after the request gave up, and a thread cannot have a memory limit at
all. A child process gets ``RLIMIT_AS`` (address space) and ``RLIMIT_CPU`` from the kernel and
is killed on a wall-clock deadline: time and memory per request are bounded whatever the file
does, and a crash inside the parser cannot take the web worker with it.

The children are forked by small long-lived worker processes
(:mod:`signing.verification.worker`) that import pyHanko once, so a verification costs a fork
(a few ms), not a Python start-up (~0.5 s). The web process itself is never forked: it has
threads and database connections that a child must not inherit. (multiprocessing's
``forkserver`` would do the same job but re-imports the ``__main__`` script in every child.)

At most ``concurrency`` verifications run at once per web process, so memory is bounded by
``concurrency x memory_mb``; a request that finds every slot taken for ``queue_seconds``
gets :class:`VerifierBusy` (the view answers 503).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import queue
import subprocess
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from signing.pades.verify import VerificationReport

from .worker import read_message, write_message

log = logging.getLogger(__name__)

__all__ = ["Limits", "VerifierBusy", "verify_bounded"]

_PREFIX = "Tidak dapat diperiksa: "
#: Extra time the parent grants the worker beyond the child's deadline before giving up on it.
_GRACE_SECONDS = 5.0


@dataclass(frozen=True)
class Limits:
    """Bounds for one verification."""

    #: Wall-clock deadline; the child is killed when it passes.
    timeout_seconds: float = 15.0
    #: Address-space limit of the child (a worker with pyHanko loaded uses ~80 MB).
    memory_mb: int = 768
    #: At most this many verifications at once; further requests wait ``queue_seconds``.
    concurrency: int = 4
    queue_seconds: float = 10.0


class VerifierBusy(Exception):
    """Every verification slot stayed taken for ``queue_seconds`` (the server is saturated)."""


class _Worker:
    """One worker process and its pipes; used by one thread at a time."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "signing.verification.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdin = self.process.stdin
        self.stdout = self.process.stdout
        hello = read_message(self.stdout)
        if not (isinstance(hello, tuple) and hello[0] == "ready"):
            raise RuntimeError(f"verification worker did not start: {hello!r}")

    def alive(self) -> bool:
        return self.process.poll() is None

    def ask(self, request: dict[str, Any], timeout: float) -> tuple[str, Any]:
        """Send ``request``; the worker enforces the deadline, ``timeout`` is our backstop."""
        result: list[tuple[str, Any]] = []

        def exchange() -> None:
            try:
                write_message(self.stdin, request)
                result.append(read_message(self.stdout))
            except (EOFError, OSError) as exc:
                result.append(("died", repr(exc)))

        thread = threading.Thread(target=exchange, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive() or not result:
            self.stop()
            thread.join(1)
            return ("timeout", None)
        return result[0]

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        for stream in (self.stdin, self.stdout):
            try:
                stream.close()
            except OSError:
                pass


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._slots: threading.BoundedSemaphore | None = None
        self._size = 0
        self._all: list[_Worker] = []

    def _semaphore(self, size: int) -> threading.BoundedSemaphore:
        with self._lock:
            if self._slots is None or self._size != size:
                self._slots = threading.BoundedSemaphore(size)
                self._size = size
            return self._slots

    def run(self, request: dict[str, Any], limits: Limits) -> tuple[str, Any]:
        slots = self._semaphore(limits.concurrency)
        if not slots.acquire(timeout=limits.queue_seconds):
            raise VerifierBusy
        try:
            worker = self._take()
            outcome = worker.ask(request, limits.timeout_seconds + _GRACE_SECONDS)
            if worker.alive():
                self._idle.put(worker)
            else:
                self._forget(worker)
            return outcome
        finally:
            slots.release()

    def _take(self) -> _Worker:
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                worker = _Worker()
                with self._lock:
                    self._all.append(worker)
                return worker
            if worker.alive():
                return worker
            self._forget(worker)

    def _forget(self, worker: _Worker) -> None:
        worker.stop()
        with self._lock:
            if worker in self._all:
                self._all.remove(worker)

    def shutdown(self) -> None:
        with self._lock:
            workers, self._all = self._all, []
        for worker in workers:
            try:
                worker.stop()
            except Exception:  # noqa: BLE001 - best effort at exit
                pass


_pool = _Pool()
atexit.register(_pool.shutdown)


def _failure(pdf: bytes, message: str) -> VerificationReport:
    text = _PREFIX + message
    return VerificationReport(
        valid=False,
        error=text,
        signatures=(),
        has_lta=False,
        revision_count=None,
        sha256=hashlib.sha256(pdf).hexdigest(),
        problems=(text,),
    )


def verify_bounded(
    pdf: bytes,
    *,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    limits: Limits = Limits(),
) -> VerificationReport:
    """:func:`signing.pades.verify.verify_pdf` in a limited child process.

    Never raises except :class:`VerifierBusy`: a child that runs out of time or memory, or
    dies, gives a "Tidak dapat diperiksa: ..." report naming the limit. Certificates and CRLs
    must be DER or PEM bytes (they cross a process boundary).
    """
    pdf = bytes(pdf)
    request = {
        "pdf": pdf,
        "trust_roots": [bytes(c) for c in trust_roots],
        "crls": [bytes(c) for c in crls],
        "other_certs": [bytes(c) for c in other_certs],
        "timeout": float(limits.timeout_seconds),
        "memory_mb": int(limits.memory_mb),
    }
    try:
        outcome, payload = _pool.run(request, limits)
    except VerifierBusy:
        raise
    except Exception as exc:  # noqa: BLE001 - a worker that cannot start is still an answer
        log.exception("verification worker failed")
        outcome, payload = "died", repr(exc)
    if outcome == "ok" and isinstance(payload, VerificationReport):
        if payload.error and "MemoryError" in payload.error:
            # verify_pdf reports every exception, MemoryError included, as unreadable.
            return _failure(pdf, "berkas membutuhkan memori melebihi batas pemeriksaan.")
        return payload
    log.info("bounded verification ended with %s: %s", outcome, payload)
    if outcome == "timeout":
        return _failure(pdf, f"pemeriksaan melebihi batas waktu {limits.timeout_seconds:g} detik.")
    if outcome == "memory":
        return _failure(pdf, "berkas membutuhkan memori melebihi batas pemeriksaan.")
    if outcome == "error":
        return _failure(pdf, f"kesalahan saat membaca berkas ({payload}).")
    return _failure(pdf, "pemeriksa berhenti secara tidak normal (batas sumber daya terlampaui).")
