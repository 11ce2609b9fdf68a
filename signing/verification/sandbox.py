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

What comes back from a child is JSON, checked field by field on arrival
(:mod:`signing.verification.codec`): nothing a child sends is unpickled, neither in the worker
nor here. :func:`start_bounded` returns as soon as the request is with the worker, so that
the caller can look up its own records while the child verifies
(:func:`signing.verification.service.verify_upload` does).

At most ``concurrency`` verifications run at once per web process, so memory is bounded by
``concurrency x memory_mb``; a request that finds every slot taken for ``queue_seconds``
gets :class:`VerifierBusy` (the view answers 503).
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import pickle
import queue
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from signing.pades.verify import VerificationReport

from .codec import AnswerError, decode_answer
from .worker import HEADER

log = logging.getLogger(__name__)

__all__ = [
    "UNVERIFIABLE",
    "Limits",
    "PendingVerification",
    "VerifierBusy",
    "start_bounded",
    "unverifiable",
    "verify_bounded",
]

UNVERIFIABLE = "Tidak dapat diperiksa: "
#: Extra time the parent grants the worker beyond the child's deadline before giving up on it.
_GRACE_SECONDS = 5.0
#: A worker imports pyHanko and verifies a document of its own before it serves (~1 s).
_START_SECONDS = 60.0


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


class WorkerTimeout(Exception):
    """The worker did not take a request or answer it in time."""


class _Worker:
    """One worker process and its pipes; used by one thread at a time.

    The pipes are non-blocking and every exchange has a deadline: a stuck worker costs a
    request its deadline, never a thread forever.
    """

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "signing.verification.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
            bufsize=0,
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self._to_worker = self.process.stdin.fileno()
        self._from_worker = self.process.stdout.fileno()
        os.set_blocking(self._to_worker, False)
        os.set_blocking(self._from_worker, False)
        try:
            hello = self.receive(time.monotonic() + _START_SECONDS)
        except BaseException:
            self.stop()
            raise
        if not (isinstance(hello, tuple) and hello[0] == "ready"):
            self.stop()
            raise RuntimeError(f"verification worker did not start: {hello!r}")
        #: How the worker's warm-up went (see :func:`signing.verification.worker.warm_up`).
        self.warm_up: str = hello[2]
        if self.warm_up.startswith("ok"):
            log.info("verification worker %s started, warm-up %s", hello[1], self.warm_up)
        else:
            log.warning("verification worker %s started cold, warm-up %s", hello[1], self.warm_up)

    def alive(self) -> bool:
        return self.process.poll() is None

    def send(self, message: Any, deadline: float) -> None:
        """Write one framed message; :class:`WorkerTimeout` past ``deadline``."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(HEADER.pack(len(data)) + data)
        while view:
            _wait_for(self._to_worker, deadline, write=True)
            try:
                view = view[os.write(self._to_worker, view) :]
            except BlockingIOError:
                pass

    def receive(self, deadline: float) -> Any:
        """Read one framed message; :class:`WorkerTimeout` past ``deadline``, ``EOFError``
        when the worker is gone."""
        (length,) = HEADER.unpack(self._read(HEADER.size, deadline))
        return pickle.loads(self._read(length, deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        chunks = []
        while size:
            _wait_for(self._from_worker, deadline, write=False)
            try:
                chunk = os.read(self._from_worker, min(size, 1 << 20))
            except BlockingIOError:
                continue
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def _wait_for(fd: int, deadline: float, *, write: bool) -> None:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise WorkerTimeout
    ready = (
        select.select([], [fd], [], remaining)[1]
        if write
        else select.select([fd], [], [], remaining)[0]
    )
    if not ready:
        raise WorkerTimeout


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

    def start(self, request: dict[str, Any], limits: Limits) -> _Exchange:
        """Send ``request`` to an idle worker (started if need be); the answer waits in the
        pipe for :meth:`_Exchange.wait`. :raises VerifierBusy: no slot in ``queue_seconds``."""
        slots = self._semaphore(limits.concurrency)
        if not slots.acquire(timeout=limits.queue_seconds):
            raise VerifierBusy
        try:
            worker = self._take()
        except BaseException:
            slots.release()
            raise
        deadline = time.monotonic() + limits.timeout_seconds + _GRACE_SECONDS
        exchange = _Exchange(self, worker, slots, deadline)
        exchange.send(request)
        return exchange

    def _give_back(self, worker: _Worker) -> None:
        if worker.alive():
            self._idle.put(worker)
        else:
            self._forget(worker)

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


class _Exchange:
    """One request to one worker: sent by :meth:`_Pool.start`, answered by :meth:`wait`, so
    that the caller can do other work meanwhile (:func:`start_bounded`)."""

    def __init__(
        self, pool: _Pool, worker: _Worker, slots: threading.BoundedSemaphore, deadline: float
    ) -> None:
        self._pool = pool
        self._worker = worker
        self._slots = slots
        self._deadline = deadline
        self._answer: tuple[str, Any] | None = None

    def send(self, request: dict[str, Any]) -> None:
        try:
            self._worker.send(request, self._deadline)
        except Exception as exc:  # noqa: BLE001 - a closed pipe, a stuck worker
            # Maybe half a request in the pipe: this worker cannot serve another.
            self._worker.stop()
            self._finish(("died", repr(exc)))

    def wait(self) -> tuple[str, Any]:
        """The worker's answer; ``("timeout", None)`` when it missed the deadline plus grace
        (the worker enforces the child's deadline: this is the backstop for a stuck worker).
        Hands the worker back and frees the slot; later calls give the same answer."""
        if self._answer is None:
            answer: tuple[str, Any] = ("died", "interrupted")
            received = False
            try:
                answer = self._worker.receive(self._deadline)
                received = True
            except WorkerTimeout:
                answer = ("timeout", None)
            except Exception as exc:  # noqa: BLE001 - EOF, a closed pipe: the worker is gone
                answer = ("died", repr(exc))
            finally:
                if not received:
                    self._worker.stop()
                self._finish(answer)
        assert self._answer is not None
        return self._answer

    def _finish(self, answer: tuple[str, Any]) -> None:
        self._answer = answer
        try:
            self._pool._give_back(self._worker)
        finally:
            self._slots.release()


_pool = _Pool()
atexit.register(_pool.shutdown)


def unverifiable(pdf: bytes, message: str) -> VerificationReport:
    """The report for a file that cannot be verified: "Tidak dapat diperiksa: ``message``"."""
    text = UNVERIFIABLE + message
    return VerificationReport(
        valid=False,
        error=text,
        signatures=(),
        has_lta=False,
        revision_count=None,
        sha256=hashlib.sha256(pdf).hexdigest(),
        problems=(text,),
    )


class PendingVerification:
    """A verification under way in a limited child (:func:`start_bounded`)."""

    def __init__(
        self,
        pdf: bytes,
        limits: Limits,
        exchange: _Exchange | None = None,
        answer: tuple[str, Any] = ("died", "not started"),
    ) -> None:
        self._pdf = pdf
        self._limits = limits
        self._exchange = exchange
        self._answer = answer
        self._report: VerificationReport | None = None

    def result(self) -> VerificationReport:
        """Wait for the report (see :func:`verify_bounded`); never raises."""
        if self._report is None:
            answer = self._exchange.wait() if self._exchange is not None else self._answer
            self._report = _report(self._pdf, self._limits, *answer)
        return self._report


def start_bounded(
    pdf: bytes,
    *,
    trust_roots: Sequence[bytes],
    crls: Sequence[bytes] = (),
    other_certs: Sequence[bytes] = (),
    limits: Limits = Limits(),
) -> PendingVerification:
    """Start :func:`verify_bounded` and return at once: ``result()`` gives the report.

    Call ``result()`` in every case (a ``finally``): it is what ends a worker that missed
    its deadline. :raises VerifierBusy: every slot stayed taken for ``queue_seconds``.
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
        return PendingVerification(pdf, limits, _pool.start(request, limits))
    except VerifierBusy:
        raise
    except Exception as exc:  # noqa: BLE001 - a worker that cannot start is still an answer
        log.exception("verification worker failed")
        return PendingVerification(pdf, limits, answer=("died", repr(exc)))


def verify_bounded(pdf: bytes, **options: Any) -> VerificationReport:
    """:func:`signing.pades.verify.verify_pdf` in a limited child process (the options of
    :func:`start_bounded`).

    Never raises except :class:`VerifierBusy`: a child that runs out of time or memory, or
    dies, gives a "Tidak dapat diperiksa: ..." report naming the limit. Certificates and CRLs
    must be DER or PEM bytes (they cross a process boundary).
    """
    return start_bounded(pdf, **options).result()


def _report(pdf: bytes, limits: Limits, outcome: str, payload: Any) -> VerificationReport:
    """The report for the worker's answer ``(outcome, payload)``."""
    if outcome == "answer":
        try:
            outcome, payload = decode_answer(payload)
        except AnswerError as exc:
            outcome, payload = "died", f"malformed answer ({exc})"
    if outcome == "ok" and isinstance(payload, VerificationReport):
        if payload.error and "MemoryError" in payload.error:
            # verify_pdf reports every exception, MemoryError included, as unreadable.
            return unverifiable(pdf, "berkas membutuhkan memori melebihi batas pemeriksaan.")
        return payload
    log.info("bounded verification ended with %s: %s", outcome, payload)
    if outcome == "timeout":
        return unverifiable(
            pdf, f"pemeriksaan melebihi batas waktu {limits.timeout_seconds:g} detik."
        )
    if outcome == "memory":
        return unverifiable(pdf, "berkas membutuhkan memori melebihi batas pemeriksaan.")
    if outcome == "error":
        return unverifiable(pdf, f"kesalahan saat membaca berkas ({payload}).")
    return unverifiable(
        pdf, "pemeriksa berhenti secara tidak normal (batas sumber daya terlampaui)."
    )
