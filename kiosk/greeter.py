"""The greeter's tablet: `/greeter/<greeter_id>`, where staff at the door issue a ticket on a
citizen's behalf (any service, priority, a need) and print it at the greeter's kiosk or hand
the number over by voice (the kiosk's spoken prompt, `/api/kiosk/prompt.wav?say=ticket`).

Only the greeter's enrolled tablet (`satupintu enrol greeter GREETER_ID`) or the server's own
machine issues as that greeter; any other device is refused (403) and nothing is issued.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

from shared.application import devices, hall_overview
from shared.application.greeter_issue import greeter_of, issue_for_citizen
from shared.domain.config import Greeter
from shared.domain.errors import Forbidden
from shared.domain.needs import NEEDS
from shared.web.answers import issued_json
from shared.web.limits import rate_limited
from shared.web.pages import page_language, render_page
from shared.web.web import device, json_body, public_base, station

bp = Blueprint("greeter", __name__, template_folder="templates")


def _greeter_json(greeter: Greeter) -> dict[str, str | None]:
    kiosk = station().config.kiosk_by_id.get(greeter.kiosk) if greeter.kiosk else None
    return {
        "id": greeter.id,
        "name": greeter.name or greeter.id,
        "kiosk": greeter.kiosk,
        "kiosk_name": (kiosk.name or kiosk.id) if kiosk else None,
    }


@bp.get("/greeter/<greeter_id>")
def page(greeter_id: str) -> str:
    """The tablet's page; a device that is not this greeter's tablet is told how to enrol."""
    greeter = greeter_of(station(), greeter_id)
    try:
        devices.may_greet(device(), greeter_id)
        enrolled = True
    except Forbidden:
        enrolled = False
    return render_page(
        "kiosk/greeter.html",
        catalogue_prefixes=("ui.greeter.", "ui.kiosk.priority_badge"),
        data={
            "greeter": _greeter_json(greeter),
            "services": hall_overview.services_overview(station(), page_language(), for_staff=True)
            if enrolled
            else [],
        },
        greeter=_greeter_json(greeter),
        needs=NEEDS,
        enrolled=enrolled,
    )


@bp.post("/api/greeter/<greeter_id>/tickets")
@rate_limited(
    lambda limits: limits.tickets_per_kiosk_per_minute,
    key=lambda: f"greeter:{(request.view_args or {}).get('greeter_id')}",
)
def issue(greeter_id: str) -> tuple[Response, int]:
    """`{"service", "priority"?, "need"?, "handover": "print" | "voice"}`: a ticket issued by
    this greeter for a citizen; "print" prints it at the greeter's kiosk (201; the same
    Idempotency-Key again returns the same ticket, 200)."""
    greeter_of(station(), greeter_id)
    devices.may_greet(device(), greeter_id)
    issued = issue_for_citizen(
        station(),
        greeter_id,
        json_body(),
        idempotency_key=request.headers.get("Idempotency-Key"),
        public_base=public_base(),
    )
    return issued_json(issued), 201 if issued.created else 200
