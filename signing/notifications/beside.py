"""The outbox worker as a child of gunicorn's master process (``SIGNING_MAIL_WORKER=1``).

For a machine without a service manager to run ``signing notifications deliver --follow``
(docs/notifications.md prefers a systemd service). The master starts the worker when it is
ready, starts it again if it dies, and stops it (SIGTERM: the mail at hand is finished) when
gunicorn exits. It is a process of its own, not a thread of a web worker: web workers are
restarted at will and must never wait for an SMTP server.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Sequence

__all__ = ["DELIVER_FOLLOW", "WorkerProcess"]

log = logging.getLogger(__name__)

#: ``signing notifications deliver --follow`` with this interpreter (no console script needed).
DELIVER_FOLLOW = (
    sys.executable,
    "-c",
    "from signing.cli import main; main()",
    "notifications",
    "deliver",
    "--follow",
)


class WorkerProcess:
    """Keep one child process running until :meth:`stop`."""

    def __init__(
        self,
        command: Sequence[str] = DELIVER_FOLLOW,
        *,
        restart_delay: float = 5.0,
        logger: logging.Logger | logging.LoggerAdapter = log,  # type: ignore[type-arg]
    ) -> None:
        self.command = list(command)
        self.restart_delay = restart_delay
        self.log = logger
        self.starts = 0
        self._stopping = threading.Event()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._supervise, name="mail-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            with self._lock:
                if self._stopping.is_set():
                    return
                self._process = subprocess.Popen(self.command)
                self.starts += 1
            self.log.info("mail outbox worker started (pid %s)", self._process.pid)
            code = self._process.wait()
            if self._stopping.is_set():
                return
            # Back off so that a worker failing at start (bad config) does not spin.
            self.log.warning(
                "mail outbox worker exited with %s; starting it again in %s s",
                code,
                self.restart_delay,
            )
            self._stopping.wait(self.restart_delay)

    def stop(self, timeout: float = 30.0) -> int | None:
        """Ask the worker to finish (SIGTERM), wait, kill it if it does not; its exit code."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(timeout)
        return process.returncode
