"""Where waiting tickets stand and how long they will wait: repository reads, pure rules.

Positions come from counts the in-memory queues give by bisection (`store.queue_index`, then
`queue_rules.ahead_of`), and the estimate from playing the first tickets of each queue forward
over the open counters (`estimates.wait_estimates`): neither costs more as a queue grows.
The rules themselves live in `shared.domain.queue_rules` and `shared.domain.estimates`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from shared.application.estimate_inputs import Inputs, regular_calls
from shared.application.station import Station
from shared.domain import estimates
from shared.domain.estimates import CounterNow
from shared.domain.queue_rules import CounterState, ahead_of, overdue_cutoff
from shared.domain.suspension import outage_minutes
from shared.domain.ticket import Ticket
from shared.store import repository
from shared.store.store import Reader

PROJECTION_DEPTH = 30  # tickets per queue the wait estimate plays forward one by one


def streak(
    station: Station,
    db: Reader,
    *,
    counter: str | None = None,
    service: str | None = None,
    inputs: Inputs | None = None,
) -> int | None:
    """Regular calls since the last priority call (only the interleave policy needs it), as
    kept with `inputs` if given (`inputs_of` the same `db`)."""
    policy = station.config.call_policy
    if policy.mode != "interleave":
        return None
    every = policy.interleave_every
    if inputs is not None:
        return inputs.streak(db, every, counter=counter, service=service)
    return regular_calls(db, every, counter=counter, service=service)


def inputs_of(station: Station, db: Reader) -> Inputs:
    """What places and estimates read besides the queues, as `db` sees them."""
    return station.estimate_inputs.of(db)


def people_ahead(
    station: Station, db: Reader, tickets: Sequence[Ticket], now: datetime, inputs: Inputs
) -> dict[int, int]:
    """How many tickets the call order puts before each waiting ticket: {id: ahead}
    (`inputs`: `inputs_of` the same `db`)."""
    by_service: dict[str, list[Ticket]] = {}
    for ticket in tickets:
        if ticket.waiting:
            by_service.setdefault(ticket.service, []).append(ticket)
    policy = station.config.call_policy
    cutoff = overdue_cutoff(policy, now)
    today = station.today(now)
    ahead: dict[int, int] = {}
    for service_id, waiting in by_service.items():
        run = streak(station, db, service=service_id, inputs=inputs)
        for ticket_id, counts in repository.queue_counts(
            db, service_id, today, cutoff, waiting
        ).items():
            ahead[ticket_id] = ahead_of(counts, policy, run)
    return ahead


def wait_minutes(
    station: Station,
    db: Reader,
    now: datetime,
    wanted: dict[int, tuple[str, int]],
    inputs: Inputs,
) -> dict[int, int]:
    """Estimated minutes until each wanted waiting ticket is called: {id: minutes}.

    `wanted` maps ticket ids to (service, people ahead); see `estimates.wait_estimates`;
    `inputs` are the counters, the suspensions and the rest `db` holds (`inputs_of` the same
    `db`), read once by the caller. While a service is suspended, the
    counters are played calling only the other services' tickets, and the suspended service's
    tickets wait the rest of its expected outage on top.
    """
    if not wanted:
        return {}
    config = station.config
    linked = sorted(estimates.linked_services(config, {service for service, _ in wanted.values()}))
    played = repository.waiting_items(db, linked, station.today(now), per_stream=PROJECTION_DEPTH)
    per_ticket = {
        service: inputs.service_minutes(
            db,
            service,
            float(
                config.service_by_id[service].standard_minutes or estimates.DEFAULT_STANDARD_MINUTES
            ),
        )
        for service in linked
    }
    rows, suspended = inputs.counters, inputs.suspended
    now_counters = []
    for counter in config.counters:
        row = rows.get(counter.id)
        serving = row.ticket if row else None
        now_counters.append(
            CounterNow(
                services=counter.services,
                open=(row.state if row else CounterState.OPEN) == CounterState.OPEN,
                serving_service=serving.service if serving else None,
                serving_since=serving.called_at if serving else None,
                streak=streak(station, db, counter=counter.id, inputs=inputs),
            )
        )
    loads = estimates.counter_loads(now_counters, per_ticket, now)
    policy = config.call_policy
    found = estimates.wait_estimates(played, loads, per_ticket, policy, now, wanted)
    held = suspended.keys() & set(linked)
    running = {ticket: wanted[ticket] for ticket in found if wanted[ticket][0] not in held}
    if held and running:  # the counters call only the running services' tickets meanwhile
        still = [item for item in played if item.service not in held]
        found |= estimates.wait_estimates(still, loads, per_ticket, policy, now, running)
    return {
        ticket_id: minutes + outage_minutes(suspended.get(wanted[ticket_id][0]), now)
        for ticket_id, minutes in found.items()
    }
