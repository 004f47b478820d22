"""`ahead_of` (counts a database can give) agrees with `call_order` (the rule) on random queues."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.domain.config import CallPolicy
from shared.domain.queue_rules import (
    QueueCounts,
    QueueItem,
    ahead_of,
    call_order,
    next_in_line,
    overdue_cutoff,
)

pytestmark = pytest.mark.slow

NOW = datetime(2026, 5, 20, 6, 0, tzinfo=UTC)

queues = st.lists(
    st.tuples(st.integers(min_value=0, max_value=300), st.booleans()), min_size=1, max_size=40
).map(
    lambda raw: [
        QueueItem(NOW - timedelta(minutes=minutes), index + 1, "s", priority)
        for index, (minutes, priority) in enumerate(raw)
    ]
)
policies = st.builds(
    CallPolicy,
    mode=st.sampled_from(["priority_first", "interleave"]),
    interleave_every=st.integers(min_value=1, max_value=5),
    max_wait_minutes=st.sampled_from([0, 30, 90, 200]),
)
streaks = st.one_of(st.none(), st.integers(min_value=0, max_value=6))


def counts_for(item: QueueItem, waiting: list[QueueItem], policy: CallPolicy) -> QueueCounts:
    """What the SQL query counts, computed here by hand from the list."""
    cutoff = overdue_cutoff(policy, NOW)
    overdue = [i for i in waiting if cutoff is not None and i.issued_at <= cutoff]
    fresh = [i for i in waiting if i not in overdue]
    own_part = overdue if item in overdue else [i for i in fresh if i.priority == item.priority]
    overdue_priority = [i for i in overdue if i.priority]
    last = max(overdue_priority) if overdue_priority else None
    return QueueCounts(
        priority=item.priority,
        overdue=item in overdue,
        older_in_part=sum(1 for i in own_part if i < item),
        overdue_total=len(overdue),
        overdue_priority=len(overdue_priority),
        overdue_regular_after_last_priority=sum(
            1 for i in overdue if not i.priority and last is not None and i > last
        ),
        priority_total=sum(1 for i in fresh if i.priority),
        regular_total=sum(1 for i in fresh if not i.priority),
    )


@settings(max_examples=400)
@given(queues, policies, streaks)
def test_ahead_of_matches_the_call_order(
    waiting: list[QueueItem], policy: CallPolicy, streak: int | None
) -> None:
    order = list(call_order(waiting, policy, NOW, streak))
    for expected, item in enumerate(order):
        assert ahead_of(counts_for(item, waiting, policy), policy, streak) == expected


@settings(max_examples=300)
@given(queues, policies, streaks)
def test_the_next_ticket_depends_only_on_the_two_heads(
    waiting: list[QueueItem], policy: CallPolicy, streak: int | None
) -> None:
    heads = [min(part) for part in (
        [i for i in waiting if i.priority], [i for i in waiting if not i.priority]
    ) if part]  # fmt: skip
    assert next_in_line(heads, policy, NOW, streak) == next_in_line(waiting, policy, NOW, streak)
