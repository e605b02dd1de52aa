"""Earlier results of the same agency and questionnaire, for the comparison and the trend."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ContentError
from ..results import Result
from ..store import Store


@dataclass
class History:
    earlier: list[Result] = field(default_factory=list)  # complete results before this one, oldest first
    warnings: list[str] = field(default_factory=list)  # result files that could not be read

    @property
    def previous(self) -> Result | None:
        return self.earlier[-1] if self.earlier else None


def _key(result: Result) -> tuple[object, ...]:
    return (result.date, result.created)


def same_series(a: Result, b: Result) -> bool:
    return (a.questionnaire.id == b.questionnaire.id
            and a.agency.strip().casefold() == b.agency.strip().casefold())


def history_for(store: Store, result: Result) -> History:
    """Complete results in store for result's agency and questionnaire that came before it."""
    history = History()
    found: list[Result] = []
    for path, item in store.scan():
        if isinstance(item, ContentError):
            history.warnings.append(f"skipped {path.name}: {item.problems[0].message}")
            continue
        if (item.status != "complete" or item.id == result.id or not same_series(item, result)
                or _key(item) >= _key(result)):
            continue
        try:
            found.append(store.attach_snapshot(item, path))
        except ContentError as err:
            history.warnings.append(f"skipped {path.name}: {err.problems[0].message}")
    history.earlier = sorted(found, key=_key)
    return history
