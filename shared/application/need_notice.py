"""The supervisor's notice of interpreter needs: who waits today with one and which bookings
ask for one within `needs.notice_hours`, and whether an officer with the skill is at an open
counter now, so an interpreter is found in time. Only kinds, numbers and slots: never who."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from shared.application import presence
from shared.application.station import Station
from shared.domain.booking import BookingStatus
from shared.domain.needs import Need, skill_for
from shared.domain.queue_rules import CounterState
from shared.store import repository


def interpreter_needs(station: Station, now: datetime) -> dict[str, Any]:
    """{waiting: [{number, service, issued_at}], booked: [{code, service, starts_at}],
    covered: an officer with the skill is at an open counter now}."""
    config = station.config
    skill = skill_for(Need.INTERPRETER)
    with station.store.read() as db:
        waiting = repository.waiting_with_need(db, station.today(now), Need.INTERPRETER)
        booked = repository.bookings_with_need(
            db, Need.INTERPRETER, now, now + timedelta(hours=config.needs.notice_hours)
        )
        present = presence.at_counters(db, now)
        states = repository.counters(db)
    covered = any(
        skill in config.needs.skills.get(attending.username, ())
        for counter_id, attendings in present.items()
        if counter_id in states and states[counter_id].state == CounterState.OPEN
        for attending in attendings
    )
    return {
        "waiting": [
            {
                "number": ticket.number,
                "service": ticket.service,
                "issued_at": station.local(ticket.issued_at).isoformat(timespec="seconds"),
            }
            for ticket in waiting
        ],
        "booked": [
            {
                "code": booking.code,
                "service": booking.service,
                "starts_at": station.local(booking.starts_at).isoformat(timespec="minutes"),
            }
            for booking in booked
            if booking.status == BookingStatus.BOOKED
        ],
        "covered": covered,
    }
