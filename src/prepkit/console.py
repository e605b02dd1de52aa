"""The one place that owns rich consoles: stdout for results, stderr for messages. Built lazily.

Both consoles read no markup: text from a questionnaire, an answer or a result is printed as it is,
never interpreted (a label such as `[link=file:///etc/passwd]x[/link]` stays text). Style goes
through `bold()` and rich's `style=` arguments instead.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_settings = {"no_color": False}


def disable_color() -> None:
    _settings["no_color"] = True
    out.cache_clear()
    err.cache_clear()


def _color_off() -> bool:
    return _settings["no_color"] or bool(os.environ.get("NO_COLOR"))


@lru_cache(maxsize=1)
def out() -> Console:
    from rich.console import Console

    return Console(no_color=_color_off(), highlight=False, soft_wrap=False, markup=False)


@lru_cache(maxsize=1)
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, no_color=_color_off(), highlight=False, markup=False)


def bold(*parts: str) -> Text:
    """Plain parts, the first set in bold: a heading followed by text, none of it read as markup."""
    from rich.text import Text

    first, *rest = parts
    return Text.assemble((first, "bold"), *rest)
