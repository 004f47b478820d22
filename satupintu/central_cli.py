"""`satupintu central …`: run the central oversight server and manage it, and (`status`) see how
far this station's shipping to central has got.

Every command on the central side takes the central config (`--config PATH`, else
SATUPINTU_CENTRAL_CONFIG, else ./central.yaml) and creates or migrates its PostgreSQL schema
first. `status` runs on a station and takes the station's config.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from satupintu.cli_options import config_file_option, listen_options, log_to_console
from shared.domain.config import ConfigError, Limits, config_path, load_config
from shared.domain.errors import SatuPintuError
from shared.domain.i18n import text

DEFAULT_PORT = 8100
FIRST_PASSWORD_FILE = "central-first-admin-password"  # noqa: S105 (a file name)


central_config_option = config_file_option(
    "Central config (default: $SATUPINTU_CENTRAL_CONFIG or ./central.yaml)."
)


def _store_and_config(config_file: str | None) -> tuple[Any, Any]:
    """The central config and its database (migrated), or one line saying what is wrong."""
    from central.config import load_central_config
    from central.store import CentralStore

    try:
        config = load_central_config(config_file)
    except ConfigError as error:
        raise click.ClickException(f"bad config: {error}") from None
    try:
        return config, CentralStore(config.database_url)
    except SatuPintuError as error:
        detail = error.params.get("detail", "")
        raise click.ClickException(f"cannot open the central database: {detail}") from None


def _fail(error: SatuPintuError) -> click.ClickException:
    return click.ClickException(text(error.message_key, "en", **error.params))


@click.group("central")
def central() -> None:
    """The central oversight server of many stations (PostgreSQL), and shipping to it."""


@central.command("serve")
@listen_options(DEFAULT_PORT)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes serving requests (default: one per CPU core).",
)
@central_config_option
def central_serve(host: str, port: int, workers: int | None, config_file: str | None) -> None:
    """Serve the central dashboard, reports and the stations' shipping API."""
    import os

    from central.app import create_central_app
    from central.config import central_config_path
    from central.users import create_first_admin
    from satupintu.central_workers import serve_workers
    from satupintu.first_password import tell_first_password
    from shared.application.clientaddress import TrustedProxies
    from shared.domain.clock import SystemClock
    from shared.domain.wire import MAX_BATCH_BYTES

    log_to_console()
    config, store = _store_and_config(config_file)
    password = create_first_admin(store, SystemClock().now())
    store.close()  # each worker opens its own connections
    if password:
        folder = central_config_path(config_file).resolve().parent
        tell_first_password(folder / FIRST_PASSWORD_FILE, password)
    workers = workers or os.cpu_count() or 1
    click.echo(f"Satu Pintu central for {config.name} on http://{host}:{port}/ ({workers} workers)")
    # Stations ship batches of up to MAX_BATCH_BYTES, perhaps over a slow uplink.
    limits = Limits(
        connections_per_address=0, max_request_kb=MAX_BATCH_BYTES // 1024, request_seconds=300
    )
    serve_workers(
        lambda: create_central_app(config),
        host,
        port,
        workers,
        limits=limits,
        proxies=TrustedProxies(()),
    )


@central.group("station")
def station_group() -> None:
    """Register the stations that ship to this central server."""


@station_group.command("add")
@click.argument("station_id", metavar="ID")
@click.option("--name", required=True, help="The station's name, e.g. 'SPKT Polres Kupang'.")
@central_config_option
def station_add(station_id: str, name: str, config_file: str | None) -> None:
    """Register a station and print its key (once, alone on the last line)."""
    from central.stations import add_station
    from shared.domain.clock import SystemClock

    _, store = _store_and_config(config_file)
    try:
        key = add_station(store, station_id, name, SystemClock().now())
    except SatuPintuError as error:
        raise _fail(error) from None
    click.echo(
        f"Registered station '{station_id}' ({name}). Put this key in its config.yaml as "
        "central.key (or in SATUPINTU_CENTRAL_KEY); it is shown only this once:"
    )
    click.echo(key)


@station_group.command("list")
@central_config_option
def station_list(config_file: str | None) -> None:
    """List the stations with their newest confirmed row, last contact and chain state."""
    from central.stations import all_stations

    _, store = _store_and_config(config_file)
    with store.connection() as conn:
        rows = all_stations(conn)
    for row in rows:
        contact = row["last_contact"].isoformat(timespec="seconds") if row["last_contact"] else "-"
        click.echo(
            f"{row['id']}\t{row['name']}\trow {row['confirmed_row']}\t{contact}\t{row['chain']}"
        )


@central.command("verify-evidence")
@click.argument("bundle", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
@central_config_option
def verify_evidence(bundle: str, config_file: str | None) -> None:
    """Check a station's evidence bundle (ZIP) against central's copy of its log.

    Exits 1, saying why, when the bundle was edited, is not signed by a registered station, or
    its log head is not the row central holds.
    """
    from pathlib import Path

    from central.evidence import verify

    _, store = _store_and_config(config_file)
    try:
        found = verify(store, Path(bundle).read_bytes())
    except SatuPintuError as error:
        click.echo(f"evidence: REFUSED: {text(error.message_key, 'en', **error.params)}", err=True)
        sys.exit(1)
    head = found["head"]
    click.echo(
        f"evidence: OK, {found['station']['id']} period {found['period']}, log head row "
        f"{head['row']} ({head['hash'][:16]}) as central holds it, {len(found['files'])} files "
        "intact"
    )


@central.group("user")
def user_group() -> None:
    """Manage the people who log in to the central server."""


@user_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["viewer", "admin"]),
    required=True,
    help="viewer sees every station; admin also registers stations.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@central_config_option
def user_add(name: str, role: str, password_stdin: bool, config_file: str | None) -> None:
    """Create a central user (the password is stored only as a slow salted hash)."""
    from central.users import add_user
    from shared.domain.clock import SystemClock

    _, store = _store_and_config(config_file)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        add_user(store, name, role, password, SystemClock().now())
    except SatuPintuError as error:
        raise _fail(error) from None
    click.echo(f"Added {role} '{name}'.")


@central.command("status")
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="json prints {last_row, confirmed_row, last_contact, last_attempt}.",
)
@click.option(
    "--config",
    "config_file",
    metavar="PATH",
    default=None,
    help="The station's config (default: $SATUPINTU_CONFIG or ./config.yaml).",
)
def central_status(output: str, config_file: str | None) -> None:
    """On a station: the newest row of its log, the newest central confirmed, last contact, and
    how the last attempt ended (accepted, refused with central's reason, or unreachable)."""
    from satupintu.opening import open_station
    from shared.operations.shipper import status

    try:
        config = load_config(config_file)
    except ConfigError as error:
        raise click.ClickException(f"bad config: {error}") from None
    found = status(open_station(config))
    if output == "json":
        click.echo(json.dumps(found))
        return
    where = (
        config.central.url
        if config.central
        else f"nowhere ({config_path(config_file)} has no central:)"
    )
    click.echo(f"shipping to {where}")
    click.echo(f"last row:      {found['last_row']}")
    click.echo(f"confirmed row: {found['confirmed_row']}")
    click.echo(f"last contact:  {found['last_contact'] or 'never'}")
    click.echo(f"last attempt:  {_attempt_text(found['last_attempt'])}")


def _attempt_text(attempt: dict[str, Any] | None) -> str:
    """How the last attempt ended, in one line: a refusal is central's, never the network's."""
    from shared.store.receipts import answer_text

    if attempt is None:
        return "none yet"
    if attempt["outcome"] == "refused":
        answer = answer_text(attempt["status"], attempt["code"])
        return f"refused by central ({answer}) at {attempt['at']}: {attempt['reason']}"
    if attempt["outcome"] == "unreachable":
        return f"central unreachable at {attempt['at']}: {attempt['reason']}"
    return f"accepted at {attempt['at']}"
