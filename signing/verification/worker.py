"""The verification worker: ``python -m signing.verification.worker``.

A long-lived, single-threaded process started by :mod:`signing.verification.sandbox`. It
imports pyHanko once, then serves requests read from stdin: for each one it forks a child
(safe here: this process has one thread and no database connections), limits the child's
address space and CPU time, runs :func:`signing.pades.verify.verify_pdf` there, and kills
the child when the wall-clock deadline passes. The answer goes back on stdout.

Framing on both pipes: 8-byte big-endian length, then a pickle. Only the app itself writes
to this process's stdin, so unpickling requests is safe; the untrusted PDF is a ``bytes``
value inside the request and is only ever parsed in the limited child.
"""

from __future__ import annotations

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

_HEADER = struct.Struct(">Q")
#: Imported by pyHanko during its first validation (measured), so imported here once.
_WARM_MODULES = (
    "cryptography.hazmat.backends.openssl.backend",
    "cryptography.hazmat.bindings.openssl.binding",
    "gzip",
    "lxml.etree",
    "pyhanko.pdf_utils.filters",
)
_MIB = 1024 * 1024


def read_message(stream: BinaryIO) -> Any:
    """One framed pickle from ``stream``; ``EOFError`` at end of stream."""
    header = _read_exactly(stream, _HEADER.size)
    (length,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(stream, length))


def write_message(stream: BinaryIO, message: Any) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
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
    """Runs in the forked child: set the limits, verify, write the outcome, exit."""
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
        outcome: tuple[str, Any] = ("ok", report)
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - the parent turns anything into an answer
        outcome = ("error", f"{type(exc).__name__}: {exc}"[:300])
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("memory", None))
    with os.fdopen(write_fd, "wb") as out:
        out.write(payload)


def serve_one(request: dict[str, Any]) -> tuple[str, Any]:
    """Verify one request in a limited child; ``(outcome, payload)``."""
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
        _, status = os.waitpid(pid, 0)
    if timed_out:
        return ("timeout", None)
    data = b"".join(chunks)
    if not data:
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGXCPU, signal.SIGKILL):
            return ("timeout", None)
        return ("died", f"status {status}")
    return pickle.loads(data)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


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
    write_message(stdout, ("ready", os.getpid()))
    while True:
        try:
            request = read_message(stdin)
        except EOFError:
            return
        write_message(stdout, serve_one(request))


if __name__ == "__main__":
    main()
