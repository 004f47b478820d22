"""`satupintu serve`: the station's server, its housekeeping rounds and its shipping to central."""

from __future__ import annotations

import logging
import time
from typing import Any

import click

from satupintu.app import create_app
from satupintu.cli_options import (
    DEFAULT_PORT,
    config_from,
    config_option,
    lan_address,
    listen_options,
    log_to_console,
    refused,
)
from satupintu.first_password import tell_first_password
from shared.application import clock_trust, housekeeping
from shared.application.audit import close_days
from shared.application.station import Station
from shared.application.users import create_first_admin
from shared.domain.config import Config
from shared.domain.errors import SatuPintuError
from shared.operations.memory import return_large_buffers_to_the_system, settle_garbage_collector
from shared.store.concurrency import gevent_active

logger = logging.getLogger("satupintu")

HOUSEKEEPING_SECONDS = 5.0
EXPIRE_EVERY = 6  # housekeeping rounds: expire yesterday's tickets every 30 s
AUDIT_EVERY = 12  # and bring the reports' audit check up to date every minute
REFRESH_EVERY = 6  # phones re-checked every 30 s (other processes tell at once via Redis)
FIRST_PASSWORD_FILE = "first-admin-password"  # noqa: S105 (a file name)


@click.command()
@listen_options(DEFAULT_PORT)
@config_option
def serve(host: str, port: int, config_file: str | None) -> None:
    """Serve the kiosk, counters, boards and API (HTTP and Socket.IO on one port)."""
    from satupintu.server import serve_forever
    from satupintu.worker import WorkerReads
    from shared.application.clientaddress import TrustedProxies
    from shared.web.socket_server import socketio

    log_to_console()
    return_large_buffers_to_the_system()
    config = config_from(config_file)
    try:
        app = create_app(config, async_mode="gevent" if gevent_active() else "threading")
        station: Station = app.extensions["satupintu"]
        password = create_first_admin(station)
    except SatuPintuError as error:
        raise refused(error) from None
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
    from shared.web.socket_server import socketio

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

    example = f"http://{lan_address() or '192.168.1.10'}:{port}"
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
            clock_trust.follow_accepted_clock(station)
            if rounds % EXPIRE_EVERY == 0:
                housekeeping.expire_past_days(station)
                close_days(station)
            if rounds % AUDIT_EVERY == 1:
                reads.run("audit", station.now())
            if rounds % REFRESH_EVERY == 0:
                dispatcher.refresh_watchers()
        except Exception:
            logger.exception("housekeeping failed; retrying in %s s", HOUSEKEEPING_SECONDS)
