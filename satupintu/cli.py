"""The `satupintu` command: serve the station, manage users, check the audit trail."""

from __future__ import annotations

import logging
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from satupintu.app import create_app, open_station
from satupintu.central_cli import central
from satupintu.first_password import tell_first_password
from satupintu.options import config_file_option, listen_options, log_to_console
from shared.application import audit, services
from shared.application.devices import ENROL_HOURS, Kind, invite, revoke
from shared.application.station import Station
from shared.application.users import (
    add_user,
    change_role,
    create_first_admin,
    list_users,
    reset_password,
    set_disabled,
    set_units,
)
from shared.domain.clock import SystemClock
from shared.domain.config import Config, ConfigError, load_config
from shared.domain.errors import SatuPintuError
from shared.domain.events import StationRestored
from shared.domain.i18n import text
from shared.domain.ticket import Logged
from shared.operations import backups
from shared.operations.memory import return_large_buffers_to_the_system, settle_garbage_collector
from shared.store import anchors
from shared.store.concurrency import gevent_active

logger = logging.getLogger("satupintu")

DEFAULT_PORT = 8000
HOUSEKEEPING_SECONDS = 5.0
EXPIRE_EVERY = 6  # housekeeping rounds: expire yesterday's tickets every 30 s
AUDIT_EVERY = 12  # and bring the reports' audit check up to date every minute
REFRESH_EVERY = 6  # phones re-checked every 30 s (other processes tell at once via Redis)


config_option = config_file_option("Config file (default: $SATUPINTU_CONFIG or ./config.yaml).")


def _config(config_file: str | None) -> Config:
    """Load the config or stop with its one-line fault."""
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise click.ClickException(f"bad config: {error}") from None


def _fail(error: SatuPintuError) -> click.ClickException:
    """A refused command as one line (in English: operators read logs in English)."""
    detail = f" ({error.params['detail']})" if "detail" in error.params else ""
    return click.ClickException(text(error.message_key, "en", **error.params) + detail)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Satu Pintu: queue tickets for one-stop public service desks."""


@main.command()
@listen_options(DEFAULT_PORT)
@config_option
def serve(host: str, port: int, config_file: str | None) -> None:
    """Serve the kiosk, counters, boards and API (HTTP and Socket.IO on one port)."""
    from satupintu.server import serve_forever
    from satupintu.worker import WorkerReads
    from shared.application.clientaddress import TrustedProxies
    from shared.web.realtime import socketio

    log_to_console()
    return_large_buffers_to_the_system()
    config = _config(config_file)
    try:
        app = create_app(config, async_mode="gevent" if gevent_active() else "threading")
        station: Station = app.extensions["satupintu"]
        password = create_first_admin(station)
    except SatuPintuError as error:
        raise _fail(error) from None
    if password:
        tell_first_password(config.database_path.with_name(FIRST_PASSWORD_FILE), password)
    _warn_of_unusable_tickets(config, port)
    reads = app.extensions["satupintu.reads"]
    if isinstance(reads, WorkerReads):
        reads.start()
    settle_garbage_collector()
    socketio.start_background_task(_housekeeping, app)
    if config.central:
        _start_shipping(station)
    click.echo(f"Satu Pintu for {config.station.name} on http://{host}:{port}/")
    serve_forever(
        app,
        host,
        port,
        limits=config.limits,
        proxies=TrustedProxies(config.trusted_proxies),
    )


def _start_shipping(station: Station) -> None:
    """Ship the event log to the central server in the background (config `central:`)."""
    from shared.operations.shipper import ship_forever
    from shared.web.realtime import socketio

    assert station.config.central is not None
    if not station.config.central.bearer:
        raise click.ClickException(
            "bad config: central.key: required (or set SATUPINTU_CENTRAL_KEY)"
        )
    socketio.start_background_task(ship_forever, station)


def _warn_of_unusable_tickets(config: Config, port: int) -> None:
    """Say at start what would make printed tickets useless: QR codes no phone can open (no
    `public_url`, or one on this machine), a logo the printer cannot print."""
    from printer.logo import printable_logo
    from shared.application.printing import is_loopback

    example = f"http://{_lan_address() or '192.168.1.10'}:{port}"
    if config.public_url is None:
        logger.warning(
            "public_url is not set: each ticket's QR code points at the address its kiosk "
            "used to reach this server, so a kiosk opened on localhost prints QR codes no "
            "phone can open. Set public_url in config.yaml to the address phones on the "
            'hall\'s Wi-Fi use, e.g. public_url: "%s"',
            example,
        )
    elif is_loopback(config.public_url):
        logger.warning(
            "public_url %s is this machine's own address: no phone can open the tickets' QR "
            'codes. Set it to the address phones on the hall\'s Wi-Fi use, e.g. "%s"',
            config.public_url,
            example,
        )
    printing = [config.printer, *(config.printer_for(kiosk.id) for kiosk in config.kiosks)]
    if any(printer.type != "none" for printer in printing):
        printable_logo(config.logo_path)


def _lan_address() -> str | None:
    """This machine's address on its main network (a UDP "connect" sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed anywhere
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


FIRST_PASSWORD_FILE = "first-admin-password"  # noqa: S105 (a file name)


def _housekeeping(app: Any) -> None:
    """Roll queues over at the day's start, anchor the audit trail at each day's close, keep
    the reports' audit check current, follow a clock confirmed by a supervisor, and refresh
    phones for changes made elsewhere. Nothing stops it: a round that fails is logged."""
    station: Station = app.extensions["satupintu"]
    dispatcher = app.extensions["satupintu.dispatcher"]
    reads = app.extensions["satupintu.reads"]
    rounds = 0
    while True:
        time.sleep(HOUSEKEEPING_SECONDS)
        rounds += 1
        try:
            services.follow_accepted_clock(station)
            if rounds % EXPIRE_EVERY == 0:
                services.expire_past_days(station)
                anchors.close_days(station)
            if rounds % AUDIT_EVERY == 1:
                reads.run("audit", station.now())
            if rounds % REFRESH_EVERY == 0:
                dispatcher.refresh_watchers()
        except Exception:
            logger.exception("housekeeping failed; retrying in %s s", HOUSEKEEPING_SECONDS)


@main.group()
def user() -> None:
    """Manage the people who log in."""


def _change_user(config_file: str | None, change: Callable[[Station], Any], done: str) -> None:
    """Apply one change to the users of the configured station; a refusal is one line."""
    station = open_station(_config(config_file))
    try:
        change(station)
    except SatuPintuError as error:
        raise _fail(error) from None
    click.echo(done)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["officer", "supervisor", "admin"]),
    required=True,
    help="What the user may do.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--units",
    metavar="UNIT,UNIT",
    default=None,
    help="Only counters of these units (e.g. SPKT,Lantas); default: every counter.",
)
@config_option
def user_add(
    name: str, role: str, password_stdin: bool, units: str | None, config_file: str | None
) -> None:
    """Create a user (the password is stored only as a slow salted hash)."""
    _config(config_file)  # a bad config stops before the password is asked for
    password = _password(password_stdin)
    _change_user(
        config_file,
        lambda station: add_user(station, name, role, password, "cli", units),
        f"Added {role} '{name}'" + (f" for {units}." if units else "."),
    )


@user.command("units")
@click.argument("name")
@click.argument("units", metavar="UNIT,UNIT|all")
@config_option
def user_units(name: str, units: str, config_file: str | None) -> None:
    """Limit a user to the counters of some units (`all`: every counter)."""
    _change_user(
        config_file,
        lambda station: set_units(station, name, None if units == "all" else units, "cli"),
        f"'{name}' now acts at the counters of {units}.",
    )


@user.command("list")
@config_option
def user_list(config_file: str | None) -> None:
    """List the users with their role and whether they are disabled."""
    station = open_station(_config(config_file))
    for row in list_users(station):
        state = "disabled" if row["disabled"] else "enabled"
        click.echo(f"{row['username']}\t{row['role']}\t{state}\t{row['units'] or 'all units'}")


@user.command("disable")
@click.argument("name")
@config_option
def user_disable(name: str, config_file: str | None) -> None:
    """Disable a user: they cannot log in, and their open sessions end now."""
    _change_user(
        config_file,
        lambda station: set_disabled(station, name, True, "cli"),
        f"Disabled '{name}'; their sessions have ended.",
    )


@user.command("enable")
@click.argument("name")
@config_option
def user_enable(name: str, config_file: str | None) -> None:
    """Let a disabled user log in again."""
    _change_user(
        config_file,
        lambda station: set_disabled(station, name, False, "cli"),
        f"Enabled '{name}'.",
    )


@user.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@config_option
def user_reset_password(name: str, password_stdin: bool, config_file: str | None) -> None:
    """Give a user a new password; their open sessions end."""
    _config(config_file)
    password = _password(password_stdin)
    _change_user(
        config_file,
        lambda station: reset_password(station, name, password, "cli"),
        f"New password set for '{name}'; their sessions have ended.",
    )


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["officer", "supervisor", "admin"]))
@config_option
def user_role(name: str, role: str, config_file: str | None) -> None:
    """Give a user another role (it applies to their next request)."""
    _change_user(
        config_file,
        lambda station: change_role(station, name, role, "cli"),
        f"'{name}' is now {role}.",
    )


@main.group()
def enrol() -> None:
    """Make a browser one of the station's kiosks or a counter's survey tablet."""


def _lan_address() -> str:
    """This machine's address on its network (no packet is sent: the OS picks the route)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def _enrol(kind: Kind, target: str, url: str | None, config_file: str | None) -> None:
    config = _config(config_file)
    station = open_station(config)
    try:
        code = invite(station, kind, target, "cli")
    except SatuPintuError as error:
        raise _fail(error) from None
    base = (url or config.public_url or f"http://{_lan_address()}:{DEFAULT_PORT}").rstrip("/")
    click.echo(
        f"Open this link once on the device, within {ENROL_HOURS} hours, and confirm:\n"
        f"{base}/enrol/{code}"
    )


URL_OPTION = click.option(
    "--url",
    metavar="URL",
    help="The server as the device reaches it (default: public_url, else this machine, port 8000).",
)


@enrol.command("kiosk")
@click.argument("kiosk_id")
@URL_OPTION
@config_option
def enrol_kiosk(kiosk_id: str, url: str | None, config_file: str | None) -> None:
    """Print a one-time link that makes a browser the kiosk KIOSK_ID."""
    _enrol(Kind.KIOSK, kiosk_id, url, config_file)


@enrol.command("survey")
@click.argument("counter_id")
@URL_OPTION
@config_option
def enrol_survey(counter_id: str, url: str | None, config_file: str | None) -> None:
    """Print a one-time link that makes a browser the survey tablet of COUNTER_ID."""
    _enrol(Kind.SURVEY, counter_id, url, config_file)


@enrol.command("revoke")
@click.argument("kind", type=click.Choice([kind.value for kind in Kind]))
@click.argument("target")
@config_option
def enrol_revoke(kind: str, target: str, config_file: str | None) -> None:
    """End the credentials of kiosk TARGET (or COUNTER_ID's survey tablet) at once."""
    station = open_station(_config(config_file))
    try:
        ended = revoke(station, Kind(kind), target, "cli")
    except SatuPintuError as error:
        raise _fail(error) from None
    click.echo(f"Revoked {ended} credential(s) of {kind} '{target}'; enrol it again to use it.")


@main.command()
@click.option("--date", "first", metavar="YYYY-MM-DD", help="The day (default: today).")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="Last day of a range (default: --date).")
@click.option("--month", metavar="YYYY-MM", help="A whole month instead of --date/--to.")
@click.option(
    "--format",
    "output",
    type=click.Choice(["csv", "json", "xlsx"]),
    default="csv",
    show_default=True,
    help="csv prints one table (see --table); json the whole report; xlsx writes every table "
    "as a spreadsheet to standard output (redirect it to a file).",
)
@click.option(
    "--table",
    type=click.Choice(
        ["summary", "hourly", "fairness", "officers", "longest", "satisfaction", "audit"]
    ),
    default="summary",
    show_default=True,
    help="Which table --format csv prints.",
)
@click.option(
    "--lang", type=click.Choice(["id", "en"]), help="Name services in (default: the station's)."
)
@config_option
def report(
    first: str | None,
    last: str | None,
    month: str | None,
    output: str,
    table: str,
    lang: str | None,
    config_file: str | None,
) -> None:
    """Print a day's (or a range's, or a month's) report from the event log.

    The same numbers as the report pages and downloads; the report states whether the audit
    trail verified, and exits with status 1 if it did not.
    """
    import json

    from shared.application.reporting.export import to_csv
    from shared.application.reporting.reports import Period, build_report, station_source

    station = open_station(_config(config_file))
    try:
        period = Period.parse(first, last, month, station.today())
    except SatuPintuError as error:
        raise _fail(error) from None
    built = build_report(station_source(station), period, lang)
    if output == "json":
        click.echo(json.dumps(built, ensure_ascii=False, indent=2))
    elif output == "xlsx":
        from shared.application.reporting.xlsx import report_workbook

        click.echo(report_workbook(built), nl=False)  # bytes go to the binary stream
    else:
        click.echo(to_csv(built, table), nl=False)
    if not built["audit"]["verified"]:
        click.echo(
            _broken(
                built["audit"]["broken_row"],
                built["audit"]["problem"],
                built["audit"]["problem_params"],
            ),
            err=True,
        )
        sys.exit(1)


@main.group("printer")
def printer_group() -> None:
    """Check the ticket printers."""


@printer_group.command("test")
@click.argument("kiosk_id", required=False)
@config_option
def printer_test(kiosk_id: str | None, config_file: str | None) -> None:
    """Print a test ticket on KIOSK_ID's printer (default: the station printer)."""
    from printer import Printers, sample_ticket

    config = _config(config_file)
    if kiosk_id is not None and kiosk_id not in config.kiosk_by_id:
        known = ", ".join(config.kiosk_by_id) or "none"
        raise click.ClickException(f"unknown kiosk {kiosk_id!r} (configured: {known})")
    printers = Printers(config)
    result = printers.print_ticket(kiosk_id, sample_ticket(config, SystemClock().now()))
    if result.status == "failed":
        raise click.ClickException(f"test ticket not printed: {result.error}")
    if result.status == "unconfirmed":
        raise click.ClickException(f"test ticket sent, not confirmed: {result.error}")
    if result.status == "disabled":
        click.echo("This kiosk's printer is 'none': nothing was printed.")
        return
    preview = printers.latest_preview(kiosk_id)
    click.echo(f"Test ticket printed{f' (preview: {preview})' if preview else ''}.")


@main.group()
def audit_group() -> None:
    """Check the tamper-evident event log."""


def _broken(row: int | None, problem: str | None, params: Any) -> str:
    assert problem is not None
    where = f" at event row {row}" if row is not None else ""
    return f"audit: BROKEN{where}: {text(problem, 'en', **params)}"


@audit_group.command("verify")
@click.option(
    "--anchor",
    "witnessed",
    multiple=True,
    metavar="ROW:HASH",
    help="A head of the log written down from a report; it must still be in the log.",
)
@click.option(
    "--central",
    "ask_central",
    is_flag=True,
    help="Ask the central server now for the newest row it holds (config central:).",
)
@config_option
def audit_verify(witnessed: tuple[str, ...], ask_central: bool, config_file: str | None) -> None:
    """Check the audit trail; name the first row that was edited, removed or inserted.

    Checks the hash chain, the day-close anchors (and any --anchor), central's last receipt,
    and that the tickets table matches the log.
    """
    station = open_station(_config(config_file))
    try:
        witnesses = [anchors.parse_witness(item) for item in witnessed]
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--anchor") from None
    if ask_central:
        _ask_central(station)
    verdict = audit.check_station(station, witnesses)
    if not verdict.ok:
        click.echo(_broken(verdict.broken_id, verdict.problem, verdict.params), err=True)
    else:
        head = f"; head {verdict.head.id}:{verdict.head.hash[:16]}" if verdict.head else ""
        click.echo(f"audit: OK, {verdict.rows} events verified{head}")
    for restore in verdict.restores:
        click.echo(_restored(station, restore))
    if not verdict.ok:
        sys.exit(1)


def _restored(station: Station, restore: Logged) -> str:
    """A declared restore as `audit verify` explains it."""
    event = restore.event
    assert isinstance(event, StationRestored)
    at = station.local(restore.at).strftime("%Y-%m-%d %H:%M")
    replaced = (
        f"; the database it replaced ended at row {event.replaced_row} (kept aside, superseded)"
        if event.replaced_row is not None
        else ""
    )
    return (
        f"restore: at row {restore.row} ({at}) the log continues the backup {event.source}, "
        f"which ends at row {event.restored_row}{replaced}"
    )


def _ask_central(station: Station) -> None:
    """Fetch central's receipt now, so the check below holds the log against it."""
    from shared.operations.shipper import Unreachable, ask_central

    try:
        receipt = ask_central(station)
    except (Unreachable, ValueError) as error:
        raise click.ClickException(f"audit: cannot ask the central server: {error}") from None
    click.echo(f"central: holds rows 1-{receipt.row} of this log, up to hash {receipt.hash[:16]}")


main.add_command(audit_group, "audit")


# ---- running a hall for years: backups, restores, the doctor ------------------------------------


@main.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--if-due",
    is_flag=True,
    help="Only if no good backup was made since the last day's close or backup.at (the timer).",
)
@config_option
def backup(path: Path | None, if_due: bool, config_file: str | None) -> None:
    """Copy the database while the server runs (SQLite online backup) and verify the copy.

    Without PATH the copy goes to backup.directory, named by the time it was made, and copies
    older than backup.keep_days are deleted. A copy that does not verify is kept as
    NAME.failed and the command exits with status 1.
    """
    station = open_station(_config(config_file))
    config = station.config
    if if_due and not backups.due(config, station.now()):
        click.echo("No backup due.")
        return
    try:
        made = backups.make_backup(station, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Backed up {config.database_path} to {made.path} (verified).")
    if path is None:
        for gone in backups.prune(config.backup_directory, config.backup.keep_days, station.now()):
            click.echo(f"Deleted {gone} (older than {config.backup.keep_days} days).")


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def restore(path: Path, config_file: str | None) -> None:
    """Replace the database with the backup PATH, if it verifies; the old one is kept aside.

    Refuses while any process (the server, a backup) has the database open: stop the server
    first. The copy must verify as the station's database, against every day-close anchor.
    The restore is logged (station.restored), so the audit explains it and central takes the
    log continuing from the copy instead of seeing a fork.
    """
    config = _config(config_file)
    try:
        restored = backups.restore(config, path, SystemClock().now())
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    head = f", head {restored.head.id}:{restored.head.hash[:16]}" if restored.head else ""
    click.echo(f"Restored {path} to {config.database_path}: {restored.rows} events verified{head}.")
    if restored.kept_aside:
        click.echo(f"The database it replaced is kept as {restored.kept_aside}.")
    if restored.declared:
        click.echo(
            f"Logged as a declared restore (station.restored) after row "
            f"{restored.declared.restored_row}: the central server takes the log continuing "
            "from there and keeps the rows it held after it as superseded."
        )


@main.command()
@click.option("--lang", type=click.Choice(["id", "en"]), help="Language (default: the station's).")
@config_option
def doctor(lang: str | None, config_file: str | None) -> None:
    """Check everything a hall depends on and say what to do about each fault.

    Config, database and audit trail, disk, backups, the link to central (with central:),
    each printer, espeak-ng, public_url and the clock. Exit status 1 when something needs a
    person now.
    """
    from satupintu.doctor import diagnose, report

    results = list(diagnose(config_file))
    language = lang
    if language is None:
        try:
            language = load_config(config_file).language
        except ConfigError:
            language = "id"
    sys.exit(report(results, language, click.echo))


main.add_command(central)
