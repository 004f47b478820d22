"""The scorecard's rules (`shared.domain.scorecard`), one indicator at a time, with no database:
what makes each met, partly met, missing or not yet judged, and which gaps it names."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shared.domain import scorecard
from shared.domain.scorecard import MET, MISSING, NO_DATA, PARTIAL


def standard(services: dict[str, Any], maklumat: Any = "Kami siap") -> dict[str, Any]:
    return {"maklumat": maklumat, "services": services, "complaint_channels": []}


@pytest.mark.parametrize(
    ("published", "status", "gaps"),
    [
        (None, MISSING, ["standard_none"]),
        (standard({"lapor": {"time": "20"}, "surat": None}, None), PARTIAL,
         ["standard_services", "maklumat_none"]),
        (standard({"lapor": {"time": "20"}}), MET, []),
    ],
)  # fmt: skip
def test_the_standard_is_met_when_every_service_has_one_and_the_maklumat_is_published(
    published: Any, status: str, gaps: list[str]
) -> None:
    found = scorecard.standard_published(published, "2026-05-20", "2026-06-01")
    assert (found.status, [gap.key for gap in found.gaps]) == (status, gaps)


def skm(population: int, respondents: int, required: int, index: float | None = None) -> Any:
    return {"period": "2026-Q3", "population": population, "respondents": respondents,
            "required_sample": required, "adequate": respondents >= required and respondents > 0,
            "shortfall": max(0, required - respondents), "index": index, "grade": None}  # fmt: skip


@pytest.mark.parametrize(
    ("section", "status", "gaps"),
    [
        (skm(0, 0, 0), NO_DATA, []),
        (skm(40, 0, 36), MISSING, ["skm_none"]),
        (skm(40, 35, 36, 80.0), PARTIAL, ["skm_short"]),  # one short of the table's 36
        (skm(40, 36, 36, 80.0), MET, []),
    ],
)
def test_the_skm_is_judged_by_its_answers_against_the_required_sample(
    section: Any, status: str, gaps: list[str]
) -> None:
    found = scorecard.skm_run([section])
    assert (found.status, [gap.key for gap in found.gaps]) == (status, gaps)


def test_a_result_of_an_older_quarter_is_stale_and_none_is_missing() -> None:
    latest = {"period": "2026-Q2", "index": 80.0, "grade": "B", "respondents": 30}
    assert scorecard.results_published(latest, "2026-Q2").status == MET
    stale = scorecard.results_published(latest, "2026-Q3")
    assert (stale.status, stale.gaps[0].key) == (PARTIAL, "results_stale")
    assert scorecard.results_published(None, "2026-Q3").status == MISSING


def register(findings: int, followed: int) -> dict[str, Any]:
    return {"findings": findings, "followed_up": followed, "followed_up_pct": None,
            "average_days": None, "longest_days": None}  # fmt: skip


def entry(due: str, done: str | None) -> dict[str, Any]:
    return {"due": due, "done": done}


@pytest.mark.parametrize(
    ("figures", "entries", "status", "gaps"),
    [
        (register(0, 0), [], NO_DATA, []),
        (register(2, 0), [], MISSING, ["followups_none"]),
        (register(2, 1), [entry("2026-10-20", "2026-10-01"), entry("2026-10-20", None)],
         PARTIAL, ["followups_open"]),
        (register(2, 1), [entry("2026-10-20", "2026-10-01"), entry("2026-09-30", None)],
         PARTIAL, ["followups_open", "followups_overdue"]),
        (register(2, 2), [entry("2026-09-30", "2026-09-29"), entry("2026-10-20", "2026-10-01")],
         MET, []),
    ],
)  # fmt: skip
def test_followups_are_met_when_every_finding_is_done_and_nothing_is_overdue(
    figures: Any, entries: Any, status: str, gaps: list[str]
) -> None:
    found = scorecard.followups(figures, entries, date(2026, 10, 1))
    assert (found.status, [gap.key for gap in found.gaps]) == (status, gaps)


def test_an_entry_due_today_is_not_overdue_yet() -> None:
    today = date(2026, 10, 1)
    assert scorecard.overdue([entry("2026-10-01", None)], today) == []
    assert len(scorecard.overdue([entry("2026-09-30", None)], today)) == 1


def test_complaint_channels_need_at_least_one() -> None:
    assert scorecard.complaint_channels(None).status == MISSING
    published = {"complaint_channels": [{"name": "LAPOR!"}]}
    assert scorecard.complaint_channels(published).status == MET


@pytest.mark.parametrize(
    ("priority", "called", "priority_wait", "wait", "status", "gaps"),
    [
        (0, 0, None, None, NO_DATA, []),
        (0, 10, None, 5.0, MISSING, ["priority_none"]),
        (2, 10, 6.0, 5.0, PARTIAL, ["priority_slower"]),
        (2, 10, 5.0, 5.0, MET, []),
        (2, 10, 1.0, 5.0, MET, []),
    ],
)
def test_priority_tickets_may_wait_no_longer_than_everyone_on_average(
    priority: int, called: int, priority_wait: Any, wait: Any, status: str, gaps: list[str]
) -> None:
    found = scorecard.priority_service(priority, called, priority_wait, wait)
    assert (found.status, [gap.key for gap in found.gaps]) == (status, gaps)


def test_citizens_with_a_need_and_interpreter_requests_count_for_priority_service() -> None:
    slower = scorecard.NeedsServed(called=3, avg_minutes=9.0)
    found = scorecard.priority_service(2, 10, 4.0, 5.0, slower)
    assert (found.status, [gap.key for gap in found.gaps]) == (PARTIAL, ["needs_slower"])
    assert found.gaps[0].params == {"needs": 9.0, "everyone": 5.0}
    late = scorecard.NeedsServed(called=2, avg_minutes=3.0, interpreter_requests=2,
                                 interpreter_met=1)  # fmt: skip
    found = scorecard.priority_service(2, 10, 4.0, 5.0, late)
    assert [gap.key for gap in found.gaps] == ["interpreter_late"]
    assert found.figures["interpreter_requests"] == 2
    served = scorecard.NeedsServed(called=2, avg_minutes=3.0, interpreter_requests=1,
                                   interpreter_met=1)  # fmt: skip
    assert scorecard.priority_service(2, 10, 4.0, 5.0, served).status == MET


def quarter(label: str, index: float | None) -> dict[str, Any]:
    return {"period": label, "index": index, "grade": None, "respondents": 30 if index else 0}


def test_the_trend_compares_the_last_two_quarters_with_answers() -> None:
    one = scorecard.ikm_trend([quarter("2026-Q2", None), quarter("2026-Q3", 80.0)])
    assert one.status == NO_DATA
    rising = scorecard.ikm_trend([quarter("2026-Q1", 78.5), quarter("2026-Q2", None),
                                  quarter("2026-Q3", 80.0)])  # fmt: skip
    assert (rising.status, rising.figures["change"]) == (MET, 1.5)
    falling = scorecard.ikm_trend([quarter("2026-Q2", 82.25), quarter("2026-Q3", 80.0)])
    assert (falling.status, falling.gaps[0].params["change"]) == (PARTIAL, 2.25)


def test_the_summary_counts_each_status() -> None:
    found = [scorecard.complaint_channels(None), scorecard.ikm_trend([quarter("2026-Q3", 80.0)])]
    assert scorecard.summary(found) == {MET: 0, PARTIAL: 0, MISSING: 1, NO_DATA: 1}
