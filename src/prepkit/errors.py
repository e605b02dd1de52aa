"""The one error hierarchy: the core raises these, the CLI turns them into messages and exit codes."""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    OK = 0
    INVALID = 1  # invalid content: questionnaire, answers, result file
    USAGE = 2  # wrong usage: unknown option, missing argument, no terminal
    SYSTEM = 3  # the system refused: permissions, a full disk, a read-only store
    INTERRUPTED = 130


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one file, at a position people can jump to."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PrepkitError(Exception):
    """Base of every error prepkit reports to a user without a traceback."""

    exit_code: int = ExitCode.INVALID


class ContentError(PrepkitError):
    """A file's content is invalid; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class UnreadableFile(ContentError):
    """The system refused to read a file (permissions, an I/O error): reported as FILE:1:1: reason like a
    content problem (scans name it and skip it), but a command that was given the file exits 3."""

    exit_code = ExitCode.SYSTEM


class UsageError(PrepkitError):
    """The command was called wrongly (unknown questionnaire, missing terminal...)."""

    exit_code = ExitCode.USAGE


class SystemRefusal(PrepkitError):
    """The system refused to read or write a path (permissions, a full disk, a read-only folder)."""

    exit_code = ExitCode.SYSTEM

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")

    @classmethod
    def of(cls, error: OSError, path: Path | str | None = None) -> SystemRefusal:
        """One line naming the path and the reason, from an OSError."""
        where = path if path is not None else (error.filename if error.filename is not None else "?")
        return cls(where, os_reason(error))


_REASONS = {
    errno.ENOSPC: "the disk is full (no space left on device)",
    errno.EDQUOT: "the disk quota is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EISDIR: "is a folder; give a file name",
    errno.ENOTDIR: "a folder on its way is a file",
    errno.ELOOP: "is a loop of symbolic links",
    errno.EEXIST: "exists",
}


def os_reason(error: OSError) -> str:
    """The reason an OSError gives, in words a user reads (the disk is full, permission denied)."""
    if error.errno in _REASONS:
        return _REASONS[error.errno]
    return error.strerror or str(error)


def file_problem(path: Path | str, message: str, line: int = 1, column: int = 1) -> ContentError:
    """A ContentError with a single problem, for whole-file troubles (unreadable, too large)."""
    return ContentError([Problem(str(path), line, column, message)])
