"""Python's cyclic garbage collector, paused while thousands of results are read.

Reading a store makes millions of small objects that form no cycles; every generation-2 collection
walks all of them and frees nothing, which took about half the time of a large load. `paused()`
turns collection off for the duration and restores the previous setting afterwards (reference
counting still frees everything that is dropped).
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
