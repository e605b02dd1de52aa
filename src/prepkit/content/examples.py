"""The example answers files shipped with prepkit (`prepkit example`), for trying prepkit out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prepkit.content.validation import suggest
from prepkit.content.yamlio import load_yaml, read_text
from prepkit.errors import ContentError, UsageError
from prepkit.paths import bundled_examples


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .yaml: what `prepkit example NAME` takes
    path: Path
    questionnaire: str
    agency: str


def list_examples() -> list[Example]:
    """Every bundled example, by name, with the questionnaire it answers and its (fictional) agency."""
    found = []
    for path in sorted(bundled_examples().glob("*.yaml")):
        try:
            data = load_yaml(path).data
        except ContentError:
            continue
        if isinstance(data, dict):
            found.append(Example(path.stem, path, str(data.get("questionnaire", "")), str(data.get("agency", ""))))
    return found


def example_text(name: str) -> str:
    """The text of the example called name (with or without .yaml), or a UsageError listing them."""
    stem = name.removesuffix(".yaml")
    known = [example.name for example in list_examples()]
    if stem not in known:
        raise UsageError(f"no example '{name}'{suggest(stem, known)}; examples: {', '.join(known) or 'none'}")
    return read_text(bundled_examples() / f"{stem}.yaml")
