"""Days of work for oversight tests, played through the real service layer on a ManualClock.

`scripted_day` is small and every figure of it is worked out by hand in tests/test_reports.py;
`busy_day` is a plausible day at a hall, for screenshots and browser tests.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from satupintu.app import open_station
from shared.application import citizen_actions, desk_actions, services, ticket_issue
from shared.application.station import Station
from shared.application.users import add_user
from shared.domain.clock import SHIFT_FILE_ENV, ManualClock
from shared.domain.config import Config, load_config
from shared.domain.errors import SatuPintuError
from shared.domain.survey import questions
from tests.helpers import BASE_CONFIG, MORNING, make_config
from tests.realserver import PASSWORD, ServerProcess

# lapor and surat: 10-minute standards; lantas 20; propam the default 15.
STANDARDS = {"lapor": 10, "surat": 10, "lantas": 20}


def oversight_services() -> list[dict[str, Any]]:
    services_config = copy.deepcopy(BASE_CONFIG["services"])
    for service in services_config:
        if service["id"] in STANDARDS:
            service["standard_minutes"] = STANDARDS[service["id"]]
    return services_config


def oversight_config(tmp_path: Path, **overrides: Any) -> Config:
    """The test station with the standards above (and any other top-level overrides)."""
    return make_config(tmp_path, services=oversight_services(), **overrides)


@dataclass
class Day:
    """What a scripted day left behind: ticket tokens by number."""

    tokens: dict[str, str] = field(default_factory=dict)


def scripted_day(station: Station, clock: ManualClock, start: datetime = MORNING) -> Day:
    """The hand-computed day of tests/test_reports.py, from 09:00 WITA (minute 0).

    Officers: budi at loket-1 and ani at loket-2 (lapor, surat), wayan at loket-3 (lantas).
    Leaves A-004 waiting; the clock ends at minute 60.
    """
    day = Day()

    def at(minute: int) -> None:
        clock.set(start + timedelta(minutes=minute))

    def issue(minute: int, service: str, priority: bool = False) -> None:
        at(minute)
        ticket = ticket_issue.issue_ticket(station, service, priority=priority).ticket
        day.tokens[ticket["number"]] = ticket["token"]

    issue(0, "lapor")
    issue(2, "lapor")
    issue(4, "surat")  # B-001
    issue(5, "lapor", priority=True)
    issue(6, "lantas")  # C-001
    at(10)
    desk_actions.call_next(
        station, "loket-1", "budi"
    )  # A-003 (priority) before, B-001
    at(12)
    desk_actions.call_next(station, "loket-2", "ani")
    at(15)
    desk_actions.call_next(station, "loket-3", "wayan")  # C-001
    at(18)
    desk_actions.finish(station, "loket-1", "budi")  # A-003 served in 8 min
    at(19)
    citizen_actions.answer_survey(station, day.tokens["A-003"], {"kepuasan": 4})
    at(20)
    # A-001 done (8 min); B-001 called out of turn ahead of A-002
    desk_actions.call_number(station, "loket-2", "B-001", "dokumen sudah lengkap", "ani")
    at(21)
    citizen_actions.answer_survey(station, day.tokens["A-001"], {"kepuasan": 3})
    at(22)
    desk_actions.recall(station, "loket-3", "wayan")
    at(25)
    desk_actions.no_show(station, "loket-3", "wayan")  # C-001
    at(26)
    desk_actions.call_next(station, "loket-1", "budi")
    issue(28, "lantas")  # C-002
    at(30)
    desk_actions.transfer(station, "loket-2", "lantas", "ani")  # B-001: surat -> lantas
    at(35)
    desk_actions.call_next(station, "loket-3", "wayan")  # B-001 (issued 09:04) ahead of C-002
    at(40)
    desk_actions.finish(station, "loket-1", "budi")  # A-002 served in 14 min: over standard
    issue(45, "lapor")  # A-004, never called
    at(50)
    desk_actions.finish(station, "loket-3", "wayan")  # B-001 served in 15 min
    at(52)
    desk_actions.call_next(station, "loket-3", "wayan")  # C-002
    at(60)
    desk_actions.finish(station, "loket-3", "wayan")  # C-002 served in 8 min (at 10:00)
    return day


OFFICERS = {"loket-1": "budi", "loket-2": "ani", "loket-3": "wayan", "loket-4": "yohana"}
ARRIVALS_PER_MINUTE = {"lapor": 0.13, "surat": 0.09, "lantas": 0.1, "propam": 0.02}


@dataclass
class _Desk:
    """A counter in the simulated day: until when it is busy and how the citizen leaves."""

    until: datetime | None = None
    outcome: str = "done"


def busy_day(
    station: Station, clock: ManualClock, start: datetime, end: datetime, seed: int = 7
) -> None:
    """A plausible day between two instants, minute by minute and in time order: arrivals,
    calls, service, no-shows after a recall, one transfer, one call out of turn, answers; a few
    citizens say a need (drawn apart, so the rest of the day is as it always was)."""
    rng = random.Random(seed)
    needs = random.Random(seed + 1)
    desks = {counter: _Desk() for counter in OFFICERS}
    out_of_turn_at = start + (end - start) / 3
    transferred = called_out_of_turn = False
    minute = start
    while minute < end:
        clock.set(minute)
        for service, rate in ARRIVALS_PER_MINUTE.items():
            if rng.random() < rate:
                need = needs.choice(("deaf", "sight", "interpreter", *[None] * 9))
                ticket_issue.issue_ticket(station, service, priority=rng.random() < 0.1, need=need)
        for counter, desk in desks.items():
            officer = OFFICERS[counter]
            if desk.until is not None and desk.until <= minute:
                _leave(station, counter, officer, desk.outcome, rng)
                desk.until = None
            if desk.until is not None:
                continue
            try:
                if not called_out_of_turn and counter == "loket-2" and minute >= out_of_turn_at:
                    number = _last_waiting(station, ("lapor", "surat"))
                    if number is None:
                        continue
                    desk_actions.call_number(
                        station, counter, number, "janji temu penyidik", officer
                    )
                    called_out_of_turn = True
                else:
                    desk_actions.call_next(station, counter, officer)
            except SatuPintuError:
                continue  # nobody waiting for this counter
            roll = rng.random()
            if roll < 0.08:
                desk.outcome, minutes = "no_show", 2
            elif not transferred and counter == "loket-1" and roll < 0.3:
                desk.outcome, minutes, transferred = "transfer", 4, True
            else:
                desk.outcome, minutes = "done", rng.randint(4, 16)
            desk.until = minute + timedelta(minutes=minutes)
        minute += timedelta(minutes=1)
    clock.set(end)


def _leave(station: Station, counter: str, officer: str, outcome: str, rng: random.Random) -> None:
    """The citizen at a counter is served (and may answer the survey), transferred, or absent."""
    if outcome == "no_show":
        desk_actions.recall(station, counter, officer)
        desk_actions.no_show(station, counter, officer)
    elif outcome == "transfer":
        desk_actions.transfer(station, counter, "lantas", officer)
    else:
        finished = desk_actions.finish(station, counter, officer)
        if rng.random() < 0.6:
            score = rng.choices([2, 3, 4], weights=[1, 4, 5])[0]
            citizen_actions.answer_survey(station, finished.token, _answers(station, score, rng))


def _answers(station: Station, around: int, rng: random.Random) -> dict[str, int]:
    return {
        key: max(1, min(4, around + rng.choice([-1, 0, 0, 0, 1])))
        for key in questions(station.config.survey.form)
    }


def _last_waiting(station: Station, services_ids: tuple[str, ...]) -> str | None:
    """The most recently issued waiting ticket of some services (to call it out of turn)."""
    marks = ", ".join("?" * len(services_ids))
    with station.store.read() as db:
        row = db.one(
            f"SELECT number FROM tickets WHERE status = 'waiting' AND service IN ({marks}) "
            "ORDER BY issued_at DESC, id DESC LIMIT 1",
            list(services_ids),
        )
    return row["number"] if row else None


BUSY_HOURS = 3  # the least of a day's work the busy hall holds

SHIFTS = [
    {"name": {"id": "Pagi", "en": "Morning"}, "starts_at": "07:00"},
    {"name": {"id": "Siang", "en": "Afternoon"}, "starts_at": "14:00"},
    {"name": {"id": "Malam", "en": "Night"}, "starts_at": "21:00"},
]


def busy_hall(folder: Path) -> ServerProcess:
    """A server (not started yet) whose database holds today's work up to a minute ago, with
    the officers of OFFICERS, supervisor `sari` and admin `root` (password PASSWORD)."""
    shift = folder / "clock-shift"
    shift.write_text("0")
    server = ServerProcess(
        folder,
        env={SHIFT_FILE_ENV: str(shift)},
        services=oversight_services(),
        printer={"type": "preview", "directory": "prints"},
        shifts=SHIFTS,
    )
    config = load_config(server.config_path)
    real_now = datetime.now(UTC).replace(second=0, microsecond=0)
    day_start = datetime.combine(
        real_now.astimezone(config.zone).date(), config.day_starts_at, tzinfo=config.zone
    )
    # Just after the day's start (at night, for a day starting at midnight) there is not yet
    # a day's work to show: the server's clock is then moved to later that day.
    now = max(real_now, day_start + timedelta(hours=BUSY_HOURS))
    shift.write_text(str((now - real_now).total_seconds()))
    start = max(day_start, now - timedelta(hours=7))
    clock = ManualClock(start)
    station = open_station(config, clock=clock)
    services.ensure_counters(station)
    for name in OFFICERS.values():
        add_user(station, name, "officer", PASSWORD, "fixture")
    add_user(station, "sari", "supervisor", PASSWORD, "fixture")
    add_user(station, "root", "admin", PASSWORD, "fixture")
    busy_day(station, clock, start, now - timedelta(minutes=1))
    station.store.close()
    return server
