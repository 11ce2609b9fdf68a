"""Files only the app's own user may read: the database, the secret key, key files.

They hold password hashes, encrypted keys and session ids, so they are created 0600 in
directories created 0700, whatever the process umask. Files that already exist with looser
modes (an instance from before this rule) are tightened when the app opens them.
:func:`write_atomic` replaces a file (a key, a certificate, a CRL) in one step.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_directory(path: Path) -> Path:
    """Create ``path`` (and missing parents) 0700; tighten it if it is ours and looser."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Create ``path`` empty with mode 0600 if missing; tighten it if it exists and is looser."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        _tighten(path, PRIVATE_FILE)
    return path


def tighten_if_present(path: Path) -> None:
    """Make an existing file 0600 (SQLite's -wal/-shm from an older instance); else nothing."""
    if path.exists():
        _tighten(path, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    info = path.stat()
    # Only our own files and only looser modes: never fight an operator's stricter choice, and
    # a shared directory owned by someone else is not ours to change.
    if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) & ~mode:
        path.chmod(stat.S_IMODE(info.st_mode) & mode)


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` with ``data`` (mode ``mode``) at once: a reader sees the old file or the
    new one, never half of it, and a crash leaves no partial file behind."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
