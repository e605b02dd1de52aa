"""Searching the resource libraries prepkit knows."""

from __future__ import annotations

from prepkit.content.models import Resource
from prepkit.content.questionnaire import LIBRARY_NAME, load_library, search_dirs


def known_resources() -> dict[str, Resource]:
    """Bundled resources, overridden by those in $PREPKIT_QUESTIONNAIRES folders."""
    merged: dict[str, Resource] = {}
    for folder in reversed(search_dirs()):
        path = folder / LIBRARY_NAME
        if path.is_file():
            merged.update(load_library(path))
    return merged


def search_resources(text: str | None = None, topic: str | None = None) -> list[Resource]:
    words = (text or "").casefold().split()
    found = []
    for resource in known_resources().values():
        haystack = " ".join(
            [
                resource.id,
                resource.title,
                resource.publisher or "",
                resource.summary or "",
                resource.type or "",
                *resource.topics,
            ]
        ).casefold()
        if not all(word in haystack for word in words):
            continue
        if topic and not any(topic.casefold() in t.casefold() for t in resource.topics):
            continue
        found.append(resource)
    return sorted(found, key=lambda r: r.title.casefold())
