"""Bookings: the citizen's /book and /b/<token> pages, the kiosk's check-in and their JSON API.

Anyone may book (a phone too), limited per address a day and per device while bookings are
open; a logged-in officer books for a citizen at the counter without those limits. Check-in
comes from a kiosk, like tickets.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, jsonify, request

from kiosk.answers import check_in_kiosk
from kiosk.qr import qr_svg
from shared.application import bookings, desk_view, sms
from shared.application.booking_commands import (
    AddBookingSms,
    Book,
    CancelBooking,
    CheckIn,
    PrintSlip,
)
from shared.application.clientaddress import network_of
from shared.application.devices import PHONE_COOKIE, digest, new_phone_id
from shared.application.users import Role
from shared.application.views import booking_view
from shared.domain.errors import Forbidden, InvalidRequest, NotFound
from shared.domain.needs import NEEDS
from shared.store.repository import Booker
from shared.web.answers import booking_command
from shared.web.auth import current_user, public_read, require_role
from shared.web.limits import rate_limited
from shared.web.pages import page_language, render_page
from shared.web.web import device, language, public_base, station

PHONE_COOKIE_DAYS = 30

bp = Blueprint("booking", __name__, template_folder="templates")


@bp.get("/api/bookings/slots")
@public_read
def list_slots() -> Response:
    """A service day's slots still ahead and their free places."""
    user = current_user()
    return jsonify(
        bookings.booking_slots(
            station(),
            request.args.get("service"),
            request.args.get("date"),
            for_citizen=user is None or user.role < Role.OFFICER,
        )
    )


@bp.post("/api/bookings")
@rate_limited(lambda limits: limits.bookings_per_minute)
def make_booking() -> tuple[Response, int]:
    """Book a place; an officer's booking (at the counter, for a citizen) is not limited."""
    user = current_user()
    if user is not None and user.role >= Role.OFFICER:
        return booking_command(Book, by=user.username)
    phone_id = request.cookies.get(PHONE_COOKIE) or new_phone_id()
    address = device().address
    booker = Booker(
        address=digest(f"booking:{address}"),
        network=digest(f"booking:{network_of(address)}"),
        device=digest(phone_id),
    )
    response, status = booking_command(Book, booker=booker)
    if not request.cookies.get(PHONE_COOKIE):
        response.set_cookie(
            PHONE_COOKIE, phone_id, max_age=PHONE_COOKIE_DAYS * 86400, httponly=True,
            samesite="Strict", secure=request.is_secure,
        )  # fmt: skip
    return response, status


@bp.get("/api/bookings/<token>")
@public_read
def show_booking(token: str) -> Response:
    return jsonify({"booking": booking_view(station(), bookings.find_booking(station(), token))})


@bp.post("/api/bookings/<token>/cancel")
def cancel_booking(token: str) -> tuple[Response, int]:
    """The holder of the booking gives it up: its place is free again."""
    return booking_command(CancelBooking, token)


@bp.post("/api/bookings/<token>/sms")
def add_booking_sms_number(token: str) -> tuple[Response, int]:
    """The booking's holder adds a mobile number: its ticket gets the SMS after check-in."""
    return booking_command(AddBookingSms, token)


@bp.post("/api/bookings/<code>/check-in")
@rate_limited(lambda limits: limits.tickets_per_minute)
def check_in(code: str) -> tuple[Response, int]:
    """The citizen has come: from a kiosk, the booking's ticket, printed like any other (201;
    200 when asked again)."""
    return booking_command(CheckIn, code, kiosk=check_in_kiosk())


@bp.post("/api/bookings/<code>/print")
@require_role(Role.OFFICER)
def print_booking(code: str) -> tuple[Response, int]:
    """An officer prints a booking's slip on the station's printer (booked at the counter)."""
    user = current_user()
    assert user is not None  # require_role saw to it
    return booking_command(PrintSlip, code, by=user.username)


@bp.get("/api/bookings")
@require_role(Role.OFFICER)
def todays_bookings() -> Response:
    """Today's bookings (no tokens): an officer's of the counter they work at (`?counter=`),
    where they may act; a supervisor's of every service, or of one counter."""
    user = current_user()
    assert user is not None  # require_role saw to it
    config = station().config
    named = request.args.get("counter")
    if named is None and user.role < Role.SUPERVISOR:
        raise InvalidRequest("error.field_required", field="counter")
    if named is None:
        return jsonify(desk_view.todays_bookings(station()))
    counter = config.counter_by_id.get(named)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=named[:40])
    if user.role < Role.SUPERVISOR and not user.may_act_at(config, counter.id):
        raise Forbidden("error.forbidden_unit", counter=counter.id)
    return jsonify(desk_view.todays_bookings(station(), counter.services))


# ---- pages -----------------------------------------------------------------------------------


@bp.get("/book")
def book_page() -> str:
    """Phone-first: pick a service, a day and a slot; get the code, a QR and a calendar file."""
    config = station().config
    return render_page(
        "kiosk/book.html",
        needs=NEEDS,
        interpreter_lead_hours=config.needs.interpreter_lead_hours,
        catalogue_prefixes=("ui.book.",),
        data={
            "services": [
                {
                    "id": service.id,
                    "name": service.name.json(),
                    "reference": service.reference,
                    "days_ahead": service.booking.days_ahead,
                }
                for service in config.services
                if service.booking is not None
            ],
            "today": station().today().isoformat(),
            "language": page_language(),
        },
    )


@bp.get("/b/<token>")
def booking_page(token: str) -> str | tuple[str, int]:
    """The booking's own page: its code, time and QR, the calendar file, and cancel."""
    try:
        booking = bookings.find_booking(station(), token)
    except NotFound:
        page = render_page(
            "kiosk/not_found.html",
            title_key="ui.book.unknown_title",
            message_key="ui.book.unknown_message",
            params={},
        )
        return page, 404
    config = station().config
    service = config.service_by_id[booking.service]
    return render_page(
        "kiosk/booking.html",
        catalogue_prefixes=("ui.book.", "ui.optin."),
        data={
            "booking": booking_view(station(), booking),
            "service": service.name.json(),
            "sms": config.sms is not None,
            "sms_number": sms.masked_booking_number(station(), booking),
        },
    )


@bp.get("/b/<token>/qr.svg")
def booking_qr(token: str) -> Response:
    """The QR code of the booking's page: the kiosk's scanner reads it at check-in."""
    booking = bookings.find_booking(station(), token)
    response = Response(qr_svg(f"{public_base()}/b/{booking.token}"), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/b/<token>/booking.ics")
def booking_calendar(token: str) -> Response:
    """The booking as a calendar entry (iCalendar), to keep in the phone's calendar."""
    booking = bookings.find_booking(station(), token)
    config = station().config
    service = config.service_by_id[booking.service]
    minutes = service.booking.slot_minutes if service.booking else 30
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Satu Pintu//Booking//ID",
        "BEGIN:VEVENT",
        f"UID:{digest(booking.token)[:32]}@satupintu",
        f"DTSTAMP:{_ics_time(booking.made_at)}",
        f"DTSTART:{_ics_time(booking.starts_at)}",
        f"DTEND:{_ics_time(booking.starts_at + timedelta(minutes=minutes))}",
        f"SUMMARY:{_ics_text(config.station.name)}: {_ics_text(service.name.get(language()))}",
        f"DESCRIPTION:{booking.code} {public_base()}/b/{booking.token}",
        f"LOCATION:{_ics_text(config.station.name)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    response = Response("\r\n".join(lines) + "\r\n", mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{booking.code}.ics"'
    return response


def _ics_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _ics_text(value: str) -> str:
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", " ")
