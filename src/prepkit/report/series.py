"""Earlier results of the same agency and questionnaire, for the comparison and the trend."""

from __future__ import annotations

from dataclasses import dataclass, field

from prepkit.history.timeline import earlier_results
from prepkit.results.model import Result, same_agency
from prepkit.results.store import Store


@dataclass
class History:
    earlier: list[Result] = field(default_factory=list)  # complete results before this one, oldest first
    warnings: list[str] = field(default_factory=list)  # result files that could not be read

    @property
    def previous(self) -> Result | None:
        return self.earlier[-1] if self.earlier else None


def same_series(a: Result, b: Result) -> bool:
    return a.questionnaire.id == b.questionnaire.id and same_agency(a.agency, b.agency)


def history_for(store: Store, result: Result) -> History:
    """Complete results in store for result's agency and questionnaire saved before it (`earlier_results`)."""
    earlier, skipped = earlier_results(store, result)
    return History([e.result for e in earlier], [f"skipped {err.problems[0]}" for err in skipped])
