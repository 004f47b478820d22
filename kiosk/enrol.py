"""Enrolling a browser as one of the station's kiosks, a counter's survey tablet or a greeter's
tablet.

`satupintu enrol kiosk ID` (or `enrol survey COUNTER_ID`, `enrol greeter GREETER_ID`) prints
a one-time link to `/enrol/<code>`; opened on the device, it asks once and, confirmed, stores
the device's credential in an HttpOnly cookie and opens the device's screen.
"""

from __future__ import annotations

from flask import Blueprint, Response, make_response, redirect

from shared.application import devices
from shared.application.devices import Invitation, Kind
from shared.domain.errors import NotFound
from shared.web.pages import render_page
from shared.web.web import set_device_cookie, station

bp = Blueprint("enrol", __name__, template_folder="templates")


SCREENS = {Kind.KIOSK: "/kiosk/", Kind.SURVEY: "/survey/", Kind.GREETER: "/greeter/"}


def _name(invitation: Invitation) -> str:
    config = station().config
    if invitation.kind == Kind.KIOSK:
        return config.kiosk_by_id[invitation.target].name or invitation.target
    if invitation.kind == Kind.GREETER:
        return config.greeter_by_id[invitation.target].name or invitation.target
    return config.counter_by_id[invitation.target].name


def _page(invitation: Invitation | None) -> Response:
    """What a link enrols and its button, or (None) why the link no longer works."""
    response = make_response(
        render_page(
            "kiosk/enrol.html",
            catalogue_prefixes=("ui.enrol.",),
            invitation=invitation,
            target_name=_name(invitation) if invitation else "",
        ),
        200 if invitation else 404,
    )
    # Under "no-referrer" browsers send a form's Origin as "null", which the Origin check
    # refuses: this page's confirmation is a form, so it keeps its origin (the code never
    # leaves this site either way).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.get("/enrol/<code>")
def page(code: str) -> Response:
    """The link's page (a GET changes nothing)."""
    try:
        return _page(devices.invitation(station(), code))
    except NotFound:
        return _page(None)


@bp.post("/enrol/<code>")
def confirm(code: str) -> Response:
    """Use the code: this browser is the device from now on; its screen opens."""
    try:
        invitation, credential = devices.enrol(station(), code)
    except NotFound:
        return _page(None)
    response = redirect(f"{SCREENS[invitation.kind]}{invitation.target}", code=303)
    set_device_cookie(response, credential)
    return response
