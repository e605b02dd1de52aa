"""One lock per in-progress result, so two `resume`s of one assessment never overwrite each other.

The lock is an `fcntl.flock` on `results/.ID.lock` (owner-only), which records who holds it. The
kernel releases it when the process ends, however it ends, so a lock is never stale; the file itself
is removed on release and reused if a killed process left it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from prepkit.errors import SystemRefusal, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locking, as before
    fcntl = None  # type: ignore[assignment]


class Busy(UsageError):
    """Another process holds the lock of this result."""


def lock_path(results_dir: Path, result_id: str) -> Path:
    return results_dir / f".{result_id}.lock"


class ResultLock:
    """An exclusive lock on one result id; `acquire` raises Busy naming the holder (pid, since when)."""

    def __init__(self, path: Path, result_id: str) -> None:
        self.path = path
        self.result_id = result_id
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        if self._fd is not None or fcntl is None:
            return
        for _ in range(10):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except OSError as error:
                raise SystemRefusal.of(error, self.path) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _read_holder(fd)
                os.close(fd)
                raise Busy(
                    f"the assessment {self.result_id} is open in another prepkit ({holder}); "
                    "nothing was written. Finish or quit it there first"
                ) from None
            # The holder before us may have removed the file after we opened it: lock the file that is there.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino
            except OSError:
                same = False
            if not same:
                os.close(fd)
                continue
            stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
            os.ftruncate(fd, 0)
            os.write(fd, f"pid {os.getpid()}, since {stamp}\n".encode())
            self._fd = fd
            return
        raise Busy(f"could not lock the assessment {self.result_id}; try again")

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.unlink(self.path)
        os.close(self._fd)  # closing releases the flock
        self._fd = None


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 200, 0).decode("utf-8", errors="replace").strip()
    except OSError:
        text = ""
    return text or "pid unknown"
