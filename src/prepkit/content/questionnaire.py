"""Finding, loading and validating questionnaires and resource libraries."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from prepkit.content.models import Questionnaire, Resource, ResourceLibrary
from prepkit.content.rules import check_library, check_questionnaire
from prepkit.content.validation import suggest, validate_document
from prepkit.content.yamlio import Document, load_yaml
from prepkit.errors import ContentError, UsageError
from prepkit.paths import bundled_questionnaires

LIBRARY_NAME = "resources.yaml"


def bundled_dir() -> Path:
    return bundled_questionnaires()


def search_dirs() -> list[Path]:
    """Folders named by PREPKIT_QUESTIONNAIRES (first), then the bundled questionnaires."""
    extra = [Path(p) for p in os.environ.get("PREPKIT_QUESTIONNAIRES", "").split(os.pathsep) if p]
    return [*extra, bundled_dir()]


def load_library(path: Path) -> dict[str, Resource]:
    stat = path.stat()
    return dict(_load_library_cached(path.resolve(), path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=16)
def _load_library_cached(_resolved: Path, path: Path, _mtime: int, _size: int) -> tuple[tuple[str, Resource], ...]:
    doc = load_yaml(path)  # path as the user named it, for messages; the resolved one keys the cache
    library = validate_document(doc, ResourceLibrary)
    findings = check_library(library)
    if findings:
        raise ContentError([doc.problem(f.loc, f.message, key=f.at_key) for f in findings])
    return tuple((r.id, r) for r in library.resources)


def library_for(folder: Path) -> dict[str, Resource]:
    """Resources visible to a questionnaire in folder: the folder's file wins over the bundled one."""
    resolved: dict[str, Resource] = {}
    for candidate in (bundled_dir() / LIBRARY_NAME, folder / LIBRARY_NAME):
        if candidate.is_file():
            resolved.update(load_library(candidate))
    return resolved


def questionnaire_from_document(doc: Document) -> Questionnaire:
    """The checked questionnaire of doc (its content hash is worked out when first asked for)."""
    questionnaire = validate_document(doc, Questionnaire)
    library = library_for(doc.path.parent)
    findings = check_questionnaire(questionnaire, library)
    if findings:
        problems = [doc.problem(f.loc, f.message, key=f.at_key) for f in findings]
        raise ContentError(sorted(problems, key=lambda p: (p.line, p.column)))
    questionnaire._library = {rid: library[rid] for rid in questionnaire.resource_ids()}
    questionnaire._source = str(doc.path)
    return questionnaire


def load_questionnaire(path: Path) -> Questionnaire:
    from prepkit.gcpause import paused

    with paused():  # tens of thousands of objects and no cycles: collecting would only cost time
        return questionnaire_from_document(load_yaml(Path(path)))


@dataclass(frozen=True)
class Listing:
    id: str
    version: str
    title: str
    questions: int
    path: Path


def list_questionnaires(first: list[Path] | None = None) -> tuple[list[Listing], list[ContentError]]:
    """Every valid questionnaire in the search folders (first wins per id), and the errors of the rest."""
    found: dict[str, Listing] = {}
    errors: list[ContentError] = []
    for folder in [*(first or []), *search_dirs()]:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.y*ml")):
            if path.name == LIBRARY_NAME or path.suffix not in (".yaml", ".yml"):
                continue
            try:
                q = load_questionnaire(path)
            except ContentError as err:
                errors.append(err)
                continue
            found.setdefault(q.id, Listing(q.id, q.version, q.title, q.question_count(), path))
    return list(found.values()), errors


_TOP_ID = re.compile(r"""^id:[ \t]*["']?([a-z0-9]+(?:-[a-z0-9]+)*)["']?[ \t]*(?:#.*)?$""", re.M)


def questionnaire_ids() -> list[str]:
    """The ids `prepkit list` would show, cheaply (for shell completion): the top-level `id:` of each file's
    first 4 KiB, else the file name. Nothing is validated, so a broken file may still be offered."""
    ids: dict[str, None] = {}
    for folder in search_dirs():
        try:
            paths = sorted(folder.glob("*.y*ml"))
        except OSError:
            continue
        for path in paths:
            if path.name == LIBRARY_NAME or path.suffix not in (".yaml", ".yml"):
                continue
            try:
                with path.open("rb") as handle:
                    head = handle.read(4096).decode("utf-8", "replace")
            except OSError:
                continue
            found = _TOP_ID.search(head)
            ids.setdefault(found.group(1) if found else path.stem)
    return list(ids)


def find_questionnaire(name: str, relative_to: Path | None = None) -> Path:
    """The file for a questionnaire named by path or by id (spec: 'named by id or path everywhere')."""
    candidate = Path(name).expanduser()
    if relative_to is not None and not candidate.is_absolute():
        candidate = relative_to / candidate
    is_path = candidate.suffix or "/" in name or os.sep in name
    if is_path and candidate.suffix.lower() not in (".yaml", ".yml"):
        # never read (and quote in messages) a file that cannot be a questionnaire, such as /etc/shadow
        raise UsageError(f"a questionnaire is a .yaml or .yml file, not {candidate}")
    if candidate.is_file():
        return candidate
    if is_path:
        raise UsageError(f"questionnaire file not found: {candidate}")
    folders = [relative_to, *search_dirs()] if relative_to is not None else search_dirs()
    for folder in folders:
        for suffix in (".yaml", ".yml"):
            path = folder / f"{name}{suffix}"
            if path.is_file():
                return path
    listings, _ = list_questionnaires([relative_to] if relative_to is not None else [])
    for listing in listings:
        if listing.id == name:
            return listing.path
    known = [listing.id for listing in listings]
    raise UsageError(
        f"unknown questionnaire '{name}'{suggest(name, known)}; "
        f"known: {', '.join(known) or 'none'} (or give a path to a .yaml file)"
    )


def resolve_questionnaire(name: str, relative_to: Path | None = None) -> Questionnaire:
    return load_questionnaire(find_questionnaire(name, relative_to))
