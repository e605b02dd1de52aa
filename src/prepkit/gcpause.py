"""Python's cyclic garbage collector, paused while thousands of results are read or a PDF is rendered.

Reading a store makes millions of small objects that form no cycles; every generation-2 collection
walks all of them and frees nothing, which took about half the time of a large load. `paused()`
turns collection off for the duration and restores the previous setting afterwards (reference
counting still frees everything that is dropped). WeasyPrint's render makes hundreds of thousands of
live objects as well, so a PDF is rendered with collection paused; `paused_until_exit` also leaves
the render's garbage to the system when the process ends with the command.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def freeze_imports() -> None:
    """Move everything made so far (modules, classes, pydantic schemas) out of the collector's sight."""
    gc.freeze()


_process_ends_with_command = False


def command_ends_process() -> None:
    """Called by the command line's entry point only: this process ends when its one command does.

    In-process callers (the tests' CliRunner, a program importing prepkit) never call it, so
    `paused_until_exit` collects as usual for them.
    """
    global _process_ends_with_command
    _process_ends_with_command = True


@contextmanager
def paused_until_exit() -> Iterator[None]:
    """Collection paused for a command's last heavy step; in a process that ends with the command, what
    the step made is then frozen instead of collected.

    For `prepkit report`: the step's garbage cycles (WeasyPrint's boxes: about 0.2 s to collect) are left
    to the operating system, which takes all of the memory back at exit; Python's own collection at exit
    skips frozen objects. Elsewhere (see `command_ends_process`) it is `paused()`: frozen garbage would be
    kept for the life of the process.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _process_ends_with_command:
            gc.freeze()
        if was_enabled:
            gc.enable()
