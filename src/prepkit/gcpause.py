"""Python's cyclic garbage collector, paused while thousands of results are read or a PDF is rendered.

Reading a store or a large questionnaire makes millions of small objects that form no cycles; every
generation-2 collection walks all of them and frees nothing, which took about half the time of a large
load. WeasyPrint's render makes hundreds of thousands of live objects as well. `paused()` turns
collection off for the duration and restores the previous setting afterwards (reference counting
still frees everything that is dropped).

In a process that ends with its one command (the command line's entry point says so:
`command_ends_process`), what a paused step made is then frozen instead of left to the collector:
what it kept (a questionnaire of 10,000 questions is a million objects) is not walked again by later
collections (a tenth of `score --json`), and its garbage cycles (WeasyPrint's boxes: about 0.2 s to
collect) are left to the operating system, which takes all of the memory back at exit. In-process
callers (the tests' CliRunner, a program importing prepkit) never freeze: frozen garbage would be
kept for the life of their process.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_process_ends_with_command = False


def command_ends_process() -> None:
    """Called by the command line's entry point only: this process ends when its one command does."""
    global _process_ends_with_command
    _process_ends_with_command = True


@contextmanager
def paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if _process_ends_with_command:
            gc.freeze()
        if was_enabled:
            gc.enable()


def freeze_imports() -> None:
    """Move everything made so far (modules, classes, pydantic schemas) out of the collector's sight."""
    gc.freeze()
