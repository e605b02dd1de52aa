"""Writing files safely: owner-only, atomic (temp file, fsync, rename), never half-written.

The rules (docs/safety.md): prepkit changes the mode only of folders it creates (0700); it writes only
regular files, so a device, FIFO, socket or folder given as the output is refused; an output that
exists is replaced only when asked (`--force`); `-` writes a text format to standard output. Every
refusal of the system becomes a `SystemRefusal` naming the path and the reason (exit 3).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import tempfile
import time
from pathlib import Path

from prepkit.errors import SystemRefusal, UsageError

STDOUT = "-"  # the output name that means standard output
TEMP_SUFFIX = ".tmp"
STALE_TEMP_SECONDS = 600  # a write takes milliseconds; a temp file this old was left by a kill


def kind_of(mode: int) -> str:
    """What a file is, in words, for messages."""
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISREG, "a regular file"),
    )
    return next((word for test, word in kinds if test(mode)), "not a regular file")


def private_dir(path: Path) -> Path:
    """Create path and any missing parents owner-only (0700). Folders that exist are left as they are."""
    missing: list[Path] = []
    probe = path
    while True:
        try:
            info = probe.stat()
        except (FileNotFoundError, NotADirectoryError):
            missing.append(probe)
            if probe.parent == probe:
                break
            probe = probe.parent
            continue
        except OSError as error:
            raise SystemRefusal.of(error, probe) from None
        if not stat.S_ISDIR(info.st_mode):
            raise SystemRefusal(probe, f"is {kind_of(info.st_mode)}, not a folder")
        break
    for folder in reversed(missing):
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            if not folder.is_dir():
                raise SystemRefusal(folder, "is not a folder") from None
            continue  # made by another process meanwhile: not ours to change
        except OSError as error:
            raise SystemRefusal.of(error, folder) from None
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)  # ours: whatever the umask left, owner-only
    return path


def refuse_special(path: Path) -> bool:
    """Raise SystemRefusal if path exists and is not a regular file; return whether it exists."""
    try:
        info = path.stat()  # a link to a regular file is fine: the link is replaced, never its target
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        raise _blocked(path) from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SystemRefusal(path, "is a loop of symbolic links") from None
        raise SystemRefusal.of(error, path) from None
    if not stat.S_ISREG(info.st_mode):
        raise SystemRefusal(path, f"is {kind_of(info.st_mode)}; prepkit writes only regular files")
    return True


def _blocked(path: Path) -> SystemRefusal:
    """The refusal for a path one of whose folders is a file: it names that file."""
    for parent in path.parents:
        with contextlib.suppress(OSError):
            mode = parent.stat().st_mode
            if not stat.S_ISDIR(mode):
                return SystemRefusal(parent, f"is {kind_of(mode)}, not a folder")
    return SystemRefusal(path, "a folder on its way is a file")


def write_private(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Atomically write data to path with mode 0600.

    exclusive: fail with FileExistsError instead of replacing an existing file, so a result is never
    overwritten by another one that happens to share its name. A path that is a device, FIFO, socket
    or folder is refused (SystemRefusal), and so is every other OSError, naming the path.
    """
    if str(path) in ("", "."):
        raise SystemRefusal(path or ".", "is a folder; give a file name")
    refuse_special(path)
    private_dir(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)
    except OSError as error:
        raise SystemRefusal.of(error, path) from None
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
            refuse_special(path)  # checked again just before: a FIFO planted meanwhile is not replaced
            os.replace(tmp, path)
    except FileExistsError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise SystemRefusal.of(error, path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def write_output(target: Path, data: bytes, *, force: bool = False, fresh: bool = False) -> Path:
    """Write a file the user asked for (a report, an export) and return where it went.

    `-` is standard output. An existing file is replaced only with force; fresh (for default names)
    takes NAME-2.EXT, NAME-3.EXT, ... instead of replacing anything.
    """
    if str(target) == STDOUT:
        try:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        except OSError as error:
            raise SystemRefusal.of(error, "standard output") from None
        return target
    if fresh:
        for n in range(1, 1000):
            candidate = target if n == 1 else target.with_name(f"{target.stem}-{n}{target.suffix}")
            if refuse_special(candidate):
                continue
            try:
                write_private(candidate, data, exclusive=True)
            except FileExistsError:
                continue
            return candidate
        raise SystemRefusal(target.parent, "no free file name for the report")
    if refuse_special(target) and not force:
        raise UsageError(f"{target} exists; pass --force to replace it, or choose another name")
    write_private(target, data)
    return target


def remove_stale_temps(folder: Path, *, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
    """Delete temp files a killed writer left in folder (`.NAME.XXXX.tmp`); return what was removed."""
    removed: list[Path] = []
    cutoff = time.time() - older_than
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(".") and entry.name.endswith(TEMP_SUFFIX)):
            continue
        with contextlib.suppress(OSError):
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
    return removed


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
