"""The verification worker: ``python -m signing.verification.worker``.

A long-lived, single-threaded process started by :mod:`signing.verification.sandbox`. It
imports pyHanko once and verifies a document of its own (:func:`warm_up`), then serves
requests read from stdin: for each one it forks a child (safe here: this process has one
thread and no database connections), limits the child's address space and CPU time, runs
:func:`signing.pades.verify.verify_pdf` there, and kills the child when the wall-clock
deadline passes. The answer goes back on stdout.

Framing on both pipes: 8-byte big-endian length, then a pickle. Only the app itself writes
to this process's stdin, so unpickling requests is safe; the untrusted PDF is a ``bytes``
value inside the request and is only ever parsed in the limited child.

What the child sends back is JSON (:mod:`signing.verification.codec`), and this process
never decodes it: it passes the bytes on as ``("answer", bytes)`` for the app to check. The
child gets no other way out: its stdin and stdout (this process's pipes to the app) point
to ``/dev/null`` before it reads the PDF.

What a request costs beyond pyHanko's own work is the fork (~2 ms) and the pages a child
copies as it writes to them (~4 ms): the children inherit a warmed-up pyHanko with the
collector's view of it frozen (:func:`gc.freeze`), and a child that has answered is reaped
after its answer is on its way, not before.
"""

from __future__ import annotations

import gc
import logging
import os
import pickle
import resource
import select
import signal
import struct
import sys
import time
from typing import Any, BinaryIO

from .codec import encode_answer

#: Framing of both pipes: the length of the pickle that follows.
HEADER = struct.Struct(">Q")
#: Imported by pyHanko during its first validation (measured), so imported here once.
_WARM_MODULES = (
    "cryptography.hazmat.backends.openssl.backend",
    "cryptography.hazmat.bindings.openssl.binding",
    "gzip",
    "lxml.etree",
    "pyhanko.pdf_utils.filters",
)
_MIB = 1024 * 1024
#: Ready before any child needs it: a child out of memory may not manage to encode it.
_MEMORY = encode_answer("memory")


def read_message(stream: BinaryIO) -> Any:
    """One framed pickle from ``stream``; ``EOFError`` at end of stream."""
    header = _read_exactly(stream, HEADER.size)
    (length,) = HEADER.unpack(header)
    return pickle.loads(_read_exactly(stream, length))


def write_message(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(stream: BinaryIO, size: int) -> bytes:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _verify_in_child(request: dict[str, Any], write_fd: int) -> None:
    """Runs in the forked child: set the limits, verify, write the answer (JSON), exit."""
    # The worker's own pipes (requests from the app, answers to it) are no business of the
    # child: only ``write_fd`` leads out of it.
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    limit = int(request["memory_mb"]) * _MIB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    cpu = max(1, int(request["timeout"] + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        from signing.pades.verify import verify_pdf

        report = verify_pdf(
            request["pdf"],
            trust_roots=request["trust_roots"],
            crls=request["crls"],
            other_certs=request["other_certs"],
        )
        answer = encode_answer("ok", report)
    except MemoryError:
        answer = _MEMORY
    except BaseException as exc:  # noqa: BLE001 - the parent turns anything into an answer
        try:
            answer = encode_answer("error", f"{type(exc).__name__}: {exc}"[:300])
        except MemoryError:
            answer = _MEMORY
    with os.fdopen(write_fd, "wb") as out:
        out.write(answer)


def serve_one(request: dict[str, Any]) -> tuple[tuple[str, Any], int | None]:
    """Verify one request in a limited child: ``(answer, pid)``.

    ``answer`` is ``("answer", bytes)`` when the child answered (JSON for
    :func:`signing.verification.codec.decode_answer`: it comes from the child, so this
    process does not read it), else ``("timeout", None)`` or ``("died", why)``. A child that
    answered may still be exiting: ``pid`` is to be reaped with :func:`reap` once the answer
    is on its way (None: reaped already).
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child (coverage does not follow forks)
        os.close(read_fd)
        code = 0
        try:
            _verify_in_child(request, write_fd)
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    os.close(write_fd)
    deadline = time.monotonic() + float(request["timeout"])
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([read_fd], [], [], remaining)
            if not ready:
                timed_out = True
                break
            chunk = os.read(read_fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(read_fd)
        if timed_out:
            _kill(pid)
    if timed_out:
        os.waitpid(pid, 0)
        return ("timeout", None), None
    if chunks:
        # The child closed its end after writing: the answer is complete. Tearing down its
        # address space takes a few ms; the app need not wait for that.
        return ("answer", b"".join(chunks)), pid
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
        return ("timeout", None), None
    return ("died", f"status {status}"), None


def reap(pid: int) -> None:
    """End (if it has not yet) and reap a child that has answered."""
    _kill(pid)
    os.waitpid(pid, 0)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def warm_up() -> str:
    """Verify a document of our own (:mod:`signing.verification.warmup`) in this process, so
    every child inherits what pyHanko sets up on first use. ``"ok (N ms)"`` or why not."""
    started = time.perf_counter()
    try:
        from signing.pades.verify import verify_pdf

        from .warmup import make_document

        document = make_document()
        report = verify_pdf(document.pdf, trust_roots=document.trust_roots, crls=document.crls)
    except Exception as exc:  # noqa: BLE001 - a cold worker is slower, not wrong
        return f"failed: {type(exc).__name__}: {exc}"[:300]
    if not report.valid:
        return f"failed: {'; '.join(report.problems)}"[:300]
    return f"ok ({(time.perf_counter() - started) * 1000:.0f} ms)"


def main() -> None:
    # Preload what every child needs, so a fork is all a request costs: the modules pyHanko
    # imports lazily on its first validation would otherwise be imported again by every child.
    import importlib

    import signing.pades.verify  # noqa: F401

    for name in _WARM_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - optional accelerators
            pass

    # pyHanko logs every validation failure; the answer carries the reason, and the worker's
    # stderr is the web server's: keep it quiet.
    logging.getLogger().addHandler(logging.NullHandler())
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # Nothing else may write to the answer pipe.
    sys.stdout = sys.stderr
    warm = warm_up()
    # Everything alive now is shared with every child: the collector must not walk it there
    # (a collection writes to each object it visits, and each write copies a page).
    gc.collect()
    gc.freeze()
    write_message(stdout, ("ready", os.getpid(), warm))
    while True:
        try:
            request = read_message(stdin)
        except EOFError:
            return
        answer, pid = serve_one(request)
        write_message(stdout, answer)
        if pid is not None:
            reap(pid)


if __name__ == "__main__":
    main()
