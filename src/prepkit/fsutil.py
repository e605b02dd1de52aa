"""Writing sensitive files: owner-only, atomic (temp file, fsync, rename), never half-written."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def private_dir(path: Path) -> Path:
    """Create path (owner-only) if needed and tighten it if it is ours and too open."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    return path


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Atomically write data to path with mode 0600.

    exclusive: fail with FileExistsError instead of replacing an existing file, so a result is never
    overwritten by another one that happens to share its name.
    """
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(tmp, path)  # atomic, and refuses to replace
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
