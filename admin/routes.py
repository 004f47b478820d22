"""Oversight pages and their JSON: dashboard, reports, shift hand-over, printers and users.

Supervisors (and admins) see everything but the users page, which is the admin's. Pages show
a login form to anonymous visitors (401) and a refusal to officers (403); API routes answer
with the contract's error JSON. Officers may read one thing here: which printers fail now
(`/api/printers/faults`, for the notice on every counter console).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, jsonify, request, send_file

from shared.application import (
    carryover,
    clock_trust,
    desk_view,
    followups,
    hall_overview,
    need_notice,
    staff_phones,
    suspensions,
)
from shared.application.printing import PrintFault, loopback_qr_base, printer_faults
from shared.application.reporting import reports
from shared.application.reporting.chart import hourly_chart
from shared.application.reporting.export import TABLES, to_csv
from shared.application.reporting.formatting import period_words
from shared.application.reporting.pdf import PDF_TYPE
from shared.application.users import (
    Role,
    add_user,
    change_role,
    list_users,
    reset_password,
    set_disabled,
    set_units,
)
from shared.domain.errors import InvalidRequest, NotFound
from shared.domain.i18n import other_language, text
from shared.domain.skm import CODES, SkmPeriod
from shared.operations import backups
from shared.operations.speech import pack_report, sample_call
from shared.store.store import SQLITE_MAX_INTEGER, parse_utc
from shared.web.auth import current_user, require_role
from shared.web.healthz import current_report
from shared.web.pages import page_helpers, page_language, render_page
from shared.web.web import asked_or_fallback, json_body, language, speech, station

bp = Blueprint(
    "admin",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/admin/static",
)
View = TypeVar("View", bound=Callable[..., Any])
CATALOGUE = ("ui.admin.", "ui.audit.", "ui.followup.", "error.")


def _render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """An oversight page, with the user, the helpers and a link to the other language."""
    user = current_user()
    other = other_language(page_language())
    page = render_page(
        f"admin/{template}",
        catalogue_prefixes=CATALOGUE,
        data=context.pop("data", None),
        user=user,
        is_admin=user is not None and user.role >= Role.ADMIN,
        other_language_url=f"{request.path}?{urlencode({**request.args.to_dict(), 'lang': other})}",
        **page_helpers(),
        **context,
    )
    return page, status


def page_for(role: Role) -> Callable[[View], View]:
    """A page for users whose role may do what `role` may (`Role.may`).

    Anonymous visitors get a login form (401), other users a refusal (403).
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return _render("login.html", 401)
            if not user.role.may(role):
                return _render("forbidden.html", 403)
            return view(*args, **kwargs)

        return guarded  # type: ignore[return-value]

    return decorate


def heavy(call: str, *args: Any) -> Any:
    """A heavy read (report, dashboard figures, hand-over), off the loop serving the hall."""
    return current_app.extensions["satupintu.reads"].run(call, station().now(), *args)


def _report(period: reports.Period) -> dict[str, Any]:
    """The period's report, naming services and counters in the page's language (`?lang=`)."""
    return heavy("report", period.first.isoformat(), period.last.isoformat(), page_language())


# ---- dashboard ----------------------------------------------------------------------------------


def clock_json() -> dict[str, Any] | None:
    """The station's clock, when the wall clock jumped and the station holds its own time."""
    the_station = station()
    jump = the_station.time.jump
    if jump is None:
        return None
    local = the_station.local
    return {
        "wall": local(jump.wall).isoformat(timespec="seconds"),
        "trusted": local(jump.trusted).isoformat(timespec="seconds"),
        "since": local(jump.since).isoformat(timespec="seconds"),
        "off_minutes": round(jump.off_by.total_seconds() / 60),
        "at_start": jump.at_start,
    }


def dashboard_json() -> dict[str, Any]:
    """Today's figures, every counter, the printers and the running shift, in one answer."""
    the_station = station()
    computed = heavy("dashboard")
    return {
        "clock": clock_json(),
        **computed["figures"],
        "counters": [
            {**counter, "ticket": _without_token(counter["ticket"])}
            for counter in hall_overview.counters_overview(the_station)
        ],
        "printers": the_station.printers.health(),
        "suspended": {
            service: suspensions.public_json(the_station, found, for_staff=True)
            for service, found in suspensions.suspensions_now(the_station).items()
        },
        "shift": computed["shift"],
        "followups_overdue": followups.overdue_count(the_station),
        "interpreter_needs": need_notice.interpreter_needs(the_station, the_station.now()),
        **upkeep_json(),
    }


def upkeep_json() -> dict[str, Any]:
    """What needs a person now (the health notices) and when the last good backup was made."""
    the_station = station()
    newest = backups.latest(the_station.config.backup_directory)
    made_at = the_station.local(newest.made_at).isoformat(timespec="seconds") if newest else None
    return {
        "notices": [notice.json() for notice in current_report().notices],
        "backup": {"made_at": made_at} if newest else None,
    }


def _without_token(ticket: dict[str, Any] | None) -> dict[str, Any] | None:
    """A ticket as oversight shows it, without its token.

    Whoever holds a token can answer that citizen's survey, so it stays with the citizen.
    """
    if ticket is None:
        return None
    return {key: value for key, value in ticket.items() if key not in ("token", "status_url")}


@bp.get("/admin")
@page_for(Role.SUPERVISOR)
def dashboard() -> tuple[str, int]:
    return _render("dashboard.html", data={"dashboard": dashboard_json()})


@bp.get("/api/admin/dashboard")
@require_role(Role.SUPERVISOR)
def dashboard_api() -> Response:
    return jsonify(dashboard_json())


@bp.post("/api/admin/clock/accept")
@require_role(Role.SUPERVISOR)
def accept_clock() -> Response:
    """The supervisor confirms that the server's clock, which jumped, is right now."""
    clock_trust.accept_clock(station(), _actor())
    return jsonify({"clock": clock_json()})


@bp.post("/api/admin/carry-over")
@require_role(Role.SUPERVISOR)
def carry_over() -> Response:
    """Carry waiting tickets over to their service's next open day, with a reason: chosen
    tickets (`numbers`), or every waiting ticket of some services (`services`; neither: all)."""
    body = json_body()
    if "numbers" in body:
        carried = carryover.carry_over_tickets(
            station(), body["numbers"], reason=body.get("reason"), by=_actor()
        )
        return jsonify({"carried": len(carried), "numbers": [each.number for each in carried]})
    count = carryover.carry_over_waiting(
        station(), reason=body.get("reason"), service_ids=body.get("services"), by=_actor()
    )
    return jsonify({"carried": count})


# ---- reports ------------------------------------------------------------------------------------


def _period() -> reports.Period:
    return reports.Period.parse(
        request.args.get("from"),
        request.args.get("to"),
        request.args.get("month"),
        station().today(),
        request.args.get("period"),
    )


def _today() -> reports.Period:
    today = station().today()
    return reports.Period(today, today)


@bp.get("/admin/reports")
@page_for(Role.SUPERVISOR)
def report_page() -> tuple[str, int]:
    """The report page; a period it cannot show falls back to today with the reason."""
    period, problem = asked_or_fallback(_period, _today, page_language())
    report = _report(period)
    return _render(
        "report.html",
        400 if problem else 200,
        problem=problem,
        report=report,
        period=period,
        month=request.args.get("month"),
        chart=hourly_chart(report["hourly"]),
        tables=tuple(TABLES),
        names=_names(),
        skm_periods=skm_choices(station().today()),
    )


def skm_choices(today: date) -> list[tuple[str, str]]:
    """The SKM periods the report page offers: the last four quarters, two half-years and two
    years before today's, and the running ones (label, words)."""
    choices = []
    for kind, count in (("quarter", 5), ("semester", 3), ("year", 2)):
        period = SkmPeriod(
            kind, today.year, (today.month - 1) // (SkmPeriod(kind, 1, 1).months) + 1
        )
        for _ in range(count):
            choices.append((period.label, period_words(period.label, page_language())))
            period = period.previous()
    return choices


def _skm_pdf(period: reports.Period) -> Response:
    """The SKM report PDF of a quarter, half-year or year, always as a download."""
    if period.skm is None:
        raise InvalidRequest("error.skm_period")
    label = period.skm.label
    response = Response(heavy("skm_pdf", label), mimetype=PDF_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="skm-{label}.pdf"'
    return response


def _names() -> dict[str, dict[str, str]]:
    """Service and counter names by id, in the page's language, for tables that hold ids."""
    config = station().config
    language = page_language()
    return {
        "services": {service.id: service.name.get(language) for service in config.services},
        "counters": {counter.id: counter.name.get(language) for counter in config.counters},
    }


@bp.get("/api/admin/reports")
@require_role(Role.SUPERVISOR)
def report_api() -> Response:
    """The report as JSON (default), one of its tables as CSV (`format=csv&table=...`), every
    table as an XLSX workbook (`format=xlsx`), or the SKM report of an SKM period
    (`period=2026-Q4&format=skm-pdf`) as a PDF."""
    period = _period()
    output = request.args.get("format", "json")
    table = request.args.get("table", "summary")
    if output not in ("json", "csv", "xlsx", "skm-pdf") or table not in TABLES:
        raise InvalidRequest("error.report_format", tables=", ".join(TABLES))
    if output == "skm-pdf":
        return _skm_pdf(period)
    report = _report(period)
    stem = f"satupintu-{period.first}" + (f"-{period.last}" if period.last != period.first else "")
    if output == "json":
        response = jsonify(report)
        filename = f"{stem}.json"
    elif output == "xlsx":
        from shared.application.reporting.xlsx import XLSX_TYPE, report_workbook  # openpyxl

        response = Response(report_workbook(report), mimetype=XLSX_TYPE)
        filename = f"{stem}.xlsx"
    else:
        response = Response(to_csv(report, table), mimetype="text/csv; charset=utf-8")
        filename = f"{stem}-{table}.csv"
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- the SKM's follow-up register ---------------------------------------------------------------


@bp.get("/admin/followups")
@page_for(Role.SUPERVISOR)
def followups_page() -> tuple[str, int]:
    register = followups.register(station())
    language = page_language()
    return _render(
        "followups.html",
        register=register,
        data={"register": register},
        codes=CODES,
        period_words=lambda label: period_words(label, language),
    )


@bp.get("/api/admin/followups")
@require_role(Role.SUPERVISOR)
def followups_api() -> Response:
    return jsonify(followups.register(station()))


@bp.post("/api/admin/followups")
@require_role(Role.SUPERVISOR)
def followup_add() -> tuple[Response, int]:
    """A new entry: `{"period", "element", "action", "owner", "due", "done"?, "evidence"?}`."""
    saved = followups.save(station(), _actor(), json_body())
    return jsonify({"followup": saved}), 201


@bp.post(f"/api/admin/followups/<int(max={SQLITE_MAX_INTEGER}):followup_id>")
@require_role(Role.SUPERVISOR)
def followup_change(followup_id: int) -> Response:
    """An entry changed: the same fields, whole."""
    return jsonify({"followup": followups.save(station(), _actor(), json_body(), followup_id)})


# ---- Propam: the integrity survey and its alarms (Propam only) -------------------------------


def _propam() -> dict[str, Any]:
    return heavy("propam", request.args.get("from"), request.args.get("to"))


@bp.get("/admin/propam")
@page_for(Role.PROPAM)
def propam_page() -> tuple[str, int]:
    """The integrity survey's answers per hour, counter and officer, and the alarms; a period
    it cannot show falls back to the default one with the reason."""
    overview, problem = asked_or_fallback(
        _propam, lambda: heavy("propam", None, None), page_language()
    )
    language = page_language()
    return _render(
        "propam.html",
        400 if problem else 200,
        problem=problem,
        overview=overview,
        names=_names(),
        question_columns=[
            (text(f"ui.integrity.short.{question}", language), "num")
            for question in overview["questions"]
        ],
    )


@bp.get("/api/admin/propam")
@require_role(Role.PROPAM)
def propam_api() -> Response:
    """`?from=&to=` (default: the last 30 days): `{"from", "to", "questions", "alarms",
    "answers", "yes_by_counter"}`."""
    return jsonify(_propam())


# ---- the head of the hall's scorecard and its evidence bundle ----------------------------------

SCORECARD_FORMATS = ("json", "pdf", "evidence")


def _scorecard_label() -> str:
    """The period asked for (`period=2026-Q3`; none: the last closed quarter), as its label."""
    asked = request.args.get("period")
    return SkmPeriod.parse(asked).label if asked else _last_quarter()


def _last_quarter() -> str:
    return SkmPeriod.containing("quarter", station().today()).previous().label


@bp.get("/admin/scorecard")
@page_for(Role.SUPERVISOR)
def scorecard_page() -> tuple[str, int]:
    """The scorecard of a period; a period it cannot show falls back to the default with why."""
    label, problem = asked_or_fallback(_scorecard_label, _last_quarter, page_language())
    language = page_language()
    return _render(
        "scorecard.html",
        400 if problem else 200,
        problem=problem,
        scores=heavy("scorecard", label, language),
        skm_periods=skm_choices(station().today()),
        period_words=lambda value: period_words(value, language),
    )


@bp.get("/api/admin/scorecard")
@require_role(Role.SUPERVISOR)
def scorecard_api() -> Response:
    """The scorecard of `period` (default: the last closed quarter) as JSON in `lang`, as a PDF
    (`format=pdf`), or the evidence bundle (`format=evidence`, a ZIP, always a download)."""
    label = _scorecard_label()
    output = request.args.get("format", "json")
    if output not in SCORECARD_FORMATS:
        raise InvalidRequest("error.scorecard_format", formats=", ".join(SCORECARD_FORMATS))
    if output == "json":
        return jsonify(heavy("scorecard", label, page_language()))
    if output == "pdf":
        response = Response(heavy("scorecard_pdf", label, page_language()), mimetype=PDF_TYPE)
        filename = f"scorecard-{label}.pdf"
    else:
        from shared.application.reporting.evidence import ZIP_TYPE

        response = Response(heavy("evidence", label), mimetype=ZIP_TYPE)
        filename = f"satupintu-evidence-{label}.zip"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---- shift hand-over ----------------------------------------------------------------------------


@bp.get("/admin/handover")
@page_for(Role.SUPERVISOR)
def handover_page() -> tuple[str, int]:
    previous = request.args.get("shift") == "previous"
    return _render("handover.html", handover=heavy("handover", previous), previous=previous)


@bp.get("/admin/bookings")
@page_for(Role.SUPERVISOR)
def bookings_page() -> tuple[str, int]:
    """Today's bookings per bookable service: slot, code, status, reference, ticket number."""
    return _render("bookings.html", bookings=desk_view.todays_bookings(station()))


@bp.get("/api/admin/handover")
@require_role(Role.SUPERVISOR)
def handover_api() -> Response:
    """The running shift's summary, or with `?shift=previous` the one before it."""
    return jsonify(heavy("handover", request.args.get("shift") == "previous"))


# ---- printers -----------------------------------------------------------------------------------


def _previews() -> list[dict[str, Any]]:
    """The latest picture of each preview printer, with the first kiosk that prints there.

    The kiosk is None for the station's own printer.
    """
    the_station = station()
    sources: list[str | None] = [None, *(kiosk.id for kiosk in the_station.config.kiosks)]
    found: dict[Path, str | None] = {}
    for kiosk in sources:
        latest = the_station.printers.latest_preview(kiosk)
        if latest is not None:
            found.setdefault(latest, kiosk)
    return [{"kiosk": kiosk, "file": latest.name} for latest, kiosk in found.items()]


# A printer's last job -> the badge class and text the printer page shows for it.
PRINTER_STATES = {
    "printed": ("badge-ok", "ui.admin.printer_ok"),
    "unconfirmed": ("badge-warn", "ui.admin.printer_unconfirmed"),
    "failed": ("badge-danger", "ui.admin.printer_failing"),
    None: ("badge-muted", "ui.admin.printer_unused"),
}


@bp.get("/admin/printer")
@page_for(Role.SUPERVISOR)
def printer_page() -> tuple[str, int]:
    health = station().printers.health()
    lang = page_language()
    return _render(
        "printer.html",
        printers=health,
        previews=_previews(),
        PRINTER_STATES=PRINTER_STATES,
        fault_text=lambda fault: PrintFault.from_json(fault).message(lang),
        qr_loopback=loopback_qr_base(health),
    )


@bp.get("/api/admin/printers")
@require_role(Role.SUPERVISOR)
def printers_api() -> Response:
    return jsonify({"printers": station().printers.health(), "previews": _previews()})


@bp.get("/api/printers/faults")
@require_role(Role.OFFICER)
def printer_faults_api() -> Response:
    """The printers failing or unconfirmed now, worded in the caller's language, and the
    notice every counter console shows about them (null when all print)."""
    lang = language()
    the_station = station()
    faults = printer_faults(the_station.printers.health(), the_station.config, lang)
    words = " ".join(fault["message"] for fault in faults)
    notice = text("ui.printer.notice", lang, faults=words) if faults else None
    return jsonify({"faults": faults, "notice": notice})


@bp.get("/admin/printer/preview.png")
@require_role(Role.SUPERVISOR)
def printer_preview() -> Response:
    """The latest ticket picture of a kiosk's preview printer (`?kiosk=ID`, else the station's)."""
    kiosk = request.args.get("kiosk") or None
    if kiosk is not None and kiosk not in station().config.kiosk_by_id:
        raise NotFound("error.unknown_kiosk", kiosk=kiosk[:40])
    latest = station().printers.latest_preview(kiosk)
    if latest is None or not latest.exists():
        raise NotFound("error.no_preview")
    return send_file(latest, mimetype="image/png", max_age=0)


# ---- the board's voices (supervisor+) -----------------------------------------------------------


@bp.get("/admin/voices")
@page_for(Role.SUPERVISOR)
def voices_page() -> tuple[str, int]:
    """The voice packs: which phrases each language's pack holds and which espeak-ng still says,
    and a sample call to any counter."""
    config = station().config
    return _render(
        "voices.html",
        packs=pack_report(config),
        counters=[(counter.id, config.shown_name(counter)) for counter in config.counters],
    )


@bp.get("/api/admin/voices")
@require_role(Role.SUPERVISOR)
def voices_api() -> Response:
    return jsonify({"packs": pack_report(station().config)})


@bp.get("/api/admin/voices/sample")
@require_role(Role.SUPERVISOR)
def voice_sample() -> Response:
    """A call to `?counter=ID` said as the board says it (once), as a WAV file."""
    config = station().config
    counter_id = request.args.get("counter", "")
    counter = config.counter_by_id.get(counter_id)
    if counter is None:
        raise NotFound("error.unknown_counter", counter=counter_id[:40])
    audio = speech().audio(sample_call(config, counter))
    return send_file(audio, mimetype="audio/wav", max_age=0)


# ---- users (admin) ------------------------------------------------------------------------------


def _users() -> list[dict[str, Any]]:
    local = station().local
    phones = staff_phones.phones_shown(station())
    no_phone = {"phone": None, "sms_alerts": False}
    return [
        {
            **phones.get(row["username"], no_phone),
            "username": row["username"],
            "role": row["role"],
            "disabled": bool(row["disabled"]),
            "units": row["units"].split(",") if row["units"] else None,
            "created_at": local(parse_utc(row["created_at"])).isoformat(timespec="seconds"),
            "last_login": local(parse_utc(row["last_login"])).isoformat(timespec="seconds")
            if row["last_login"]
            else None,
        }
        for row in list_users(station())
    ]


def _actor() -> str:
    user = current_user()
    assert user is not None
    return user.username


@bp.get("/admin/users")
@page_for(Role.ADMIN)
def users_page() -> tuple[str, int]:
    units = sorted({service.unit for service in station().config.services})
    return _render("users.html", data={"users": _users(), "me": _actor(), "units": units})


@bp.get("/api/admin/users")
@require_role(Role.ADMIN)
def users_api() -> Response:
    return jsonify({"users": _users()})


@bp.post("/api/admin/users")
@require_role(Role.ADMIN)
def user_add() -> tuple[Response, int]:
    body = json_body()
    created = add_user(
        station(),
        body.get("username"),
        body.get("role"),
        body.get("password"),
        _actor(),
        body.get("units"),
    )
    return jsonify({"user": created.json()}), 201


@bp.post("/api/admin/users/<username>/disable")
@require_role(Role.ADMIN)
def user_disable(username: str) -> Response:
    set_disabled(station(), username, True, _actor())
    return jsonify({"users": _users()})


@bp.post("/api/admin/users/<username>/enable")
@require_role(Role.ADMIN)
def user_enable(username: str) -> Response:
    set_disabled(station(), username, False, _actor())
    return jsonify({"users": _users()})


@bp.post("/api/admin/users/<username>/password")
@require_role(Role.ADMIN)
def user_password(username: str) -> Response:
    reset_password(station(), username, json_body().get("password"), _actor())
    return jsonify({"users": _users()})


@bp.post("/api/admin/users/<username>/units")
@require_role(Role.ADMIN)
def user_units(username: str) -> Response:
    """`{"units": ["SPKT", "Lantas"]}` (or null: every counter)."""
    set_units(station(), username, json_body().get("units"), _actor())
    return jsonify({"users": _users()})


@bp.post("/api/admin/users/<username>/phone")
@require_role(Role.ADMIN)
def user_phone(username: str) -> Response:
    """`{"phone"?: "0812…" or null, "sms_alerts": bool}`: a user's mobile number (shown only
    masked; left out: it stays, null: removed) and whether a supervisor gets the alerts by
    SMS."""
    body = json_body()
    staff_phones.set_phone(
        station(),
        username,
        body.get("phone", staff_phones.KEEP),
        body.get("sms_alerts", False),
        _actor(),
    )
    return jsonify({"users": _users()})


@bp.post("/api/admin/users/<username>/role")
@require_role(Role.ADMIN)
def user_role(username: str) -> Response:
    change_role(station(), username, json_body().get("role"), _actor())
    return jsonify({"users": _users()})
