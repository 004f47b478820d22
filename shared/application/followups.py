"""The SKM's follow-up register (rencana tindak lanjut): what the head of the hall does about a
period's weak elements, who does it, by when, when it was done and the evidence.

Every entry and every change is one `followup.saved` event with the whole entry, in the same
transaction as the row (so the audit trail and central hold its history). An entry is overdue
when it is not done and its due day has passed (the station's service day).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from shared.application.reporting.skm_report import findings, follow_up_figures, from_rows
from shared.application.station import Station
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.events import FollowupSaved
from shared.domain.scorecard import overdue
from shared.domain.skm import ELEMENTS, SkmPeriod
from shared.store import skm_records

LIMITS = {"action": 500, "owner": 100, "evidence": 500}


def _text(body: dict[str, Any], field: str, required: bool) -> str | None:
    value = body.get(field)
    if isinstance(value, str):
        value = value.strip()
    if value in (None, ""):
        if required:
            raise InvalidRequest("error.followup_field", field=field)
        return None
    if not isinstance(value, str) or len(value) > LIMITS[field]:
        raise InvalidRequest("error.followup_text", field=field, limit=LIMITS[field])
    return value


def _day(body: dict[str, Any], field: str, required: bool) -> date | None:
    value = body.get(field)
    if value in (None, "") and not required:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequest("error.followup_date", field=field) from None


def clean(body: Any, today: date) -> dict[str, Any]:
    """A register entry from a request, or a refusal that says which field is wrong."""
    if not isinstance(body, dict):
        raise InvalidRequest("error.followup_field", field="period")
    period = SkmPeriod.parse(str(body.get("period") or ""))
    element = body.get("element")
    if element not in ELEMENTS:
        raise InvalidRequest("error.followup_element", elements=", ".join(ELEMENTS))
    due = _day(body, "due", required=True)
    done = _day(body, "done", required=False)
    assert due is not None
    if done is not None and (done > today or done < period.first):
        raise InvalidRequest("error.followup_done", first=period.first.isoformat())
    return {
        "period": period.label,
        "element": element,
        "action": _text(body, "action", required=True),
        "owner": _text(body, "owner", required=True),
        "due": due.isoformat(),
        "done": done.isoformat() if done else None,
        "evidence": _text(body, "evidence", required=False),
    }


def save(station: Station, actor: str, body: Any, followup_id: int | None = None) -> dict[str, Any]:
    """Add an entry (no id) or change one; the entry as stored."""
    values = clean(body, station.today())
    with station.store.write(actor, station.now()) as tx:
        if followup_id is not None and skm_records.followup(tx, followup_id) is None:
            raise NotFound("error.followup_unknown")
        saved_id = skm_records.save_followup(tx, followup_id, values)
        tx.record(FollowupSaved(followup_id=saved_id, created=followup_id is None, **values))
        row = skm_records.followup(tx, saved_id)
    assert row is not None
    return row


def register(station: Station) -> dict[str, Any]:
    """Every entry (by due day, each marked whether it is overdue today) and, for the last
    closed quarter and every period with entries, its findings and how far they are followed
    up (`skm_report.follow_up_figures`)."""
    today = station.today()
    last_quarter = SkmPeriod.containing("quarter", today).previous()
    with station.store.read() as db:
        entries = skm_records.followups(db)
        labels = sorted({last_quarter.label, *(entry["period"] for entry in entries)}, reverse=True)
        periods = []
        for label in labels:
            period = SkmPeriod.parse(label)
            start, _ = station.day_bounds(period.first)
            _, end = station.day_bounds(period.last)
            to_follow = findings(from_rows(skm_records.answers_between(db, start, end)))
            mine = [entry for entry in entries if entry["period"] == label]
            periods.append(
                {
                    "period": label,
                    "elements": to_follow,
                    **follow_up_figures(mine, period, to_follow),
                }
            )
    late = {entry["id"] for entry in overdue(entries, today)}
    return {
        "entries": [{**entry, "overdue": entry["id"] in late} for entry in entries],
        "periods": periods,
        "default_period": last_quarter.label,
        "elements": list(ELEMENTS),
    }


def overdue_count(station: Station) -> int:
    """How many entries are overdue today (the dashboard's notice)."""
    with station.store.read() as db:
        return len(overdue(skm_records.followups(db), station.today()))
