"""Creating a plan from a result and moving it forward with each newer complete result (spec 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from prepkit.content.models import Questionnaire
from prepkit.history.compare import match_ids
from prepkit.history.timeline import Entry
from prepkit.plan.changelog import record, shown
from prepkit.plan.model import Change, Cycle, Item, Plan, Status, status_counts
from prepkit.scoring import Gap

Log = Callable[[Item, str, "list[Change] | None"], None]


def _source(entry: Entry) -> str:
    return f"result {entry.result.id}"


def _facts(q: Questionnaire, gap: Gap) -> dict[str, object]:
    """The read-only columns of a gap's item, from the result and its questionnaire."""
    titles = {d.id: d.title for d in q.domains}
    texts = {question.id: question.text for _, question in q.questions()}
    return {
        "item": gap.question,
        "domain": titles.get(gap.domain, gap.domain),
        "capability": texts.get(gap.question, gap.question),
        "finding": gap.answer or "",
        "priority": gap.priority,
        "critical": gap.critical,
        "resources": list(gap.resources),
    }


def create_plan(entry: Entry, at: dt.datetime) -> Plan:
    """A new plan: one `open` item per gap of the result, in gap order."""
    r = entry.result
    plan = Plan(
        agency=r.agency,
        questionnaire=r.questionnaire.id,
        result=r.id,
        result_date=r.date,
        result_created=r.created,
    )
    for gap in entry.card.gaps:
        plan.items.append(Item.model_validate({**_facts(entry.questionnaire, gap), "status_date": r.date}))
    record(
        plan,
        None,
        _source(entry),
        at=at,
        by=r.respondent,
        message=f"plan created from the result of {r.date.isoformat()}: {len(plan.items)} gaps, each an open item",
    )
    plan.cycles.append(Cycle(result=r.id, date=r.date, counts=status_counts(plan)))
    return plan


def move_forward(plan: Plan, entry: Entry, at: dt.datetime) -> None:
    """Take a newer complete result into the plan, in place, logging every change.

    New gaps open; items no longer a gap become verified (dated with the result's date); `done` items
    still a gap are flagged not effective; items follow `replaces`; items whose question is gone are
    kept and flagged removed. A verified item whose gap is back opens again.
    """
    r, q = entry.result, entry.questionnaire
    source, by = _source(entry), r.respondent

    def log(item: Item, message: str, changes: list[Change] | None) -> None:
        record(plan, item, source, at=at, by=by, message=message, changes=changes)

    matches = match_ids({item.item for item in plan.items}, q)  # new id -> item id
    new_id_of = {old: new for new, old in matches.items()}
    by_id: dict[str, Item] = {}
    for item in plan.items:
        new_id = new_id_of.get(item.item)
        if new_id is None:
            if not item.removed:
                item.removed = True
                log(item, "the question is no longer in the questionnaire: kept, flagged removed", None)
            continue
        if new_id != item.item:
            old_id = item.item
            item.item = new_id
            log(
                item,
                f"the question {old_id} is now {new_id} (replaces)",
                [Change(field="item", old=old_id, new=new_id)],
            )
        if item.removed:
            item.removed = False
            log(item, "the question is back in the questionnaire", None)
        by_id[item.item] = item

    gap_items: list[Item] = []
    for gap in entry.card.gaps:
        facts = _facts(q, gap)
        known = by_id.get(gap.question)
        if known is None:
            item = Item.model_validate({**facts, "status_date": r.date})
            log(item, f"a new gap in the result of {r.date.isoformat()}: opened", None)
        else:
            item = known
            _refresh(item, facts)
            if item.status == "verified":
                _set_status(item, "open", r.date, log, "the gap is back")
            elif item.status == "done":
                if not item.not_effective:
                    log(item, "marked done, but still a gap: flagged not effective", None)
                item.not_effective = True
            else:
                item.not_effective = False
        gap_items.append(item)

    gap_ids = {item.item for item in gap_items}
    rest = [item for item in plan.items if item.item not in gap_ids or item.removed]
    for item in rest:
        item.not_effective = False
        if not item.removed and item.status != "verified":
            _set_status(item, "verified", r.date, log, "no longer a gap")
    plan.items = gap_items + rest
    plan.result, plan.result_date, plan.result_created = r.id, r.date, r.created
    plan.cycles.append(Cycle(result=r.id, date=r.date, counts=status_counts(plan)))


def _refresh(item: Item, facts: dict[str, object]) -> None:
    """Bring the read-only columns up to the newer result (the answer, the priority may change)."""
    for key in ("domain", "capability", "finding", "priority", "critical", "resources"):
        setattr(item, key, facts[key])


def _set_status(item: Item, status: Status, when: dt.date, log: Log, message: str) -> None:
    change = Change(field="status", old=item.status, new=status)
    dated = Change(field="status_date", old=shown(item.status_date), new=shown(when))
    item.status = status
    item.status_date = when
    log(item, message, [change, dated])


def newer_results(plan: Plan, entries: list[Entry]) -> list[Entry]:
    """The complete results saved after the plan's latest one, oldest first."""
    return [e for e in entries if e.card.complete and e.order > plan.order() and e.result.id != plan.result]
