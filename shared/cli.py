"""The `satupintu` command: serve the station, manage users, check the audit trail."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

import click

from shared import audit, services
from shared.clock import SystemClock
from shared.config import Config, ConfigError, load_config
from shared.errors import SatuPintuError
from shared.i18n import text
from shared.station import Station
from shared.users import add_user, create_first_admin

log = logging.getLogger("satupintu")

HOUSEKEEPING_SECONDS = 5.0
EXPIRE_EVERY = 6  # housekeeping rounds: expire yesterday's tickets every 30 s


def config_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--config",
        "config_file",
        metavar="PATH",
        default=None,
        help="Config file (default: $SATUPINTU_CONFIG or ./config.yaml).",
    )(command)


def _config(config_file: str | None) -> Config:
    """Load the config or stop with its one-line fault."""
    try:
        return load_config(config_file)
    except ConfigError as error:
        raise click.ClickException(f"bad config: {error}") from None


def _fail(error: SatuPintuError, config: Config) -> click.ClickException:
    return click.ClickException(text(error.message_key, "en", **error.params))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Satu Pintu: queue tickets for one-stop public service desks."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@config_option
def serve(host: str, port: int, config_file: str | None) -> None:
    """Serve the kiosk, counters, boards and API (HTTP and Socket.IO on one port)."""
    from shared.app import create_app
    from shared.realtime import socketio

    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = _config(config_file)
    app = create_app(config)
    station: Station = app.extensions["satupintu"]
    password = create_first_admin(station)
    if password:
        click.echo(
            f"Created the first user 'admin' with password: {password}\n"
            "It is shown only this once: log in and keep it safe.",
        )
    socketio.start_background_task(_housekeeping, app)
    click.echo(f"Satu Pintu for {config.station.name} on http://{host}:{port}/")
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)


def _housekeeping(app: Any) -> None:
    """Roll queues over at the day's start and refresh phones for changes made elsewhere."""
    station: Station = app.extensions["satupintu"]
    dispatcher = app.extensions["satupintu.dispatcher"]
    rounds = 0
    while True:
        time.sleep(HOUSEKEEPING_SECONDS)
        rounds += 1
        try:
            if rounds % EXPIRE_EVERY == 0:
                services.expire_past_days(station)
            dispatcher.refresh_watchers()
        except SatuPintuError:
            log.exception("housekeeping failed; retrying in %s s", HOUSEKEEPING_SECONDS)


@main.group()
def user() -> None:
    """Manage the people who log in."""


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["officer", "supervisor", "admin"]),
    required=True,
    help="What the user may do.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@config_option
def user_add(name: str, role: str, password_stdin: bool, config_file: str | None) -> None:
    """Create a user (the password is stored only as a slow salted hash)."""
    config = _config(config_file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    station = Station.open(config)
    try:
        add_user(station, name, role, password, "cli")
    except SatuPintuError as error:
        raise _fail(error, config) from None
    click.echo(f"Added {role} '{name}'.")


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
    if result.status == "disabled":
        click.echo("This kiosk's printer is 'none': nothing was printed.")
        return
    preview = printers.latest_preview(kiosk_id)
    click.echo(f"Test ticket printed{f' (preview: {preview})' if preview else ''}.")


@main.group()
def audit_group() -> None:
    """Check the tamper-evident event log."""


@audit_group.command("verify")
@config_option
def audit_verify(config_file: str | None) -> None:
    """Check the whole hash chain; name the first row that was edited, removed or inserted."""
    station = Station.open(_config(config_file))
    with station.store.read() as db:
        verdict = audit.verify(db.db.query("SELECT * FROM events ORDER BY id"))
    if not verdict.ok:
        click.echo(f"audit: BROKEN at event row {verdict.broken_id}: {verdict.problem}", err=True)
        sys.exit(1)
    click.echo(f"audit: OK, {verdict.rows} events verified")


main.add_command(audit_group, "audit")
