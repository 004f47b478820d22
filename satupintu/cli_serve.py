"""`satupintu serve`: the station's server, its housekeeping rounds and its shipping to central."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

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
from shared.domain.config import Config, Power
from shared.domain.errors import SatuPintuError
from shared.operations.memory import (
    return_free_memory_to_the_system,
    return_large_buffers_to_the_system,
    settle_garbage_collector,
)
from shared.store.concurrency import gevent_active

if TYPE_CHECKING:
    from satupintu.server import HallServer

logger = logging.getLogger("satupintu")

HOUSEKEEPING_SECONDS = 5.0
EXPIRE_EVERY = 6  # housekeeping rounds: expire yesterday's tickets every 30 s
AUDIT_EVERY = 12  # and bring the reports' audit check up to date every minute
REFRESH_EVERY = 6  # phones re-checked every 30 s (other processes tell at once via Redis)
FIRST_PASSWORD_FILE = "first-admin-password"  # noqa: S105 (a file name)
STOP_SECONDS = 5.0  # an orderly close on battery lets open requests finish this long


@click.command()
@listen_options(DEFAULT_PORT)
@config_option
def serve(host: str, port: int, config_file: str | None) -> None:
    """Serve the kiosk, counters, boards and API (HTTP and Socket.IO on one port)."""
    from satupintu.server import open_server
    from satupintu.worker import WorkerReads
    from shared.application.clientaddress import TrustedProxies
    from shared.web.socket_server import socketio

    log_to_console()
    return_large_buffers_to_the_system()
    config = config_from(config_file)
    reads = WorkerReads(config) if gevent_active() else None
    if reads is not None:
        reads.fork()  # first: it shares what is imported so far, and nothing else is open yet
    try:
        app = create_app(
            config, async_mode="gevent" if gevent_active() else "threading", reads=reads
        )
        station: Station = app.extensions["satupintu"]
        password = create_first_admin(station)
    except SatuPintuError as error:
        raise refused(error) from None
    if password:
        tell_first_password(config.database_path.with_name(FIRST_PASSWORD_FILE), password)
    _warn_of_unusable_tickets(config, port)
    if reads is not None:
        reads.start()
    settle_garbage_collector()
    return_free_memory_to_the_system()
    socketio.start_background_task(_housekeeping, app)
    if config.central:
        _start_shipping(station)
    if config.sms:
        from shared.operations.sms_sender import send_forever

        socketio.start_background_task(send_forever, station)
    server = open_server(
        app, host, port, limits=config.limits, proxies=TrustedProxies(config.trusted_proxies)
    )
    if config.power:
        _start_power_watch(station, config.power, server)
    click.echo(f"Satu Pintu for {config.station.name} on http://{host}:{port}/")
    server.serve_forever()
    if station.power.closing:
        click.echo("Stopped in good order before the UPS's battery ran out (see power.low).")


def _start_power_watch(station: Station, power: Power, server: HallServer) -> None:
    """Watch the UPS in the background (config `power:`); its orderly close stops `server`
    (open connections get STOP_SECONDS to finish their request)."""
    from shared.operations.power import PowerWatch
    from shared.web.realtime import publish_power
    from shared.web.socket_server import socketio

    watch = PowerWatch(
        station, power, publish=publish_power, stop_server=lambda: server.stop(STOP_SECONDS)
    )
    socketio.start_background_task(watch.watch_forever)


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
    `public_url`, or one on this machine), a station logo the printer cannot print."""
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
    if config.logo_path is not None and any(printer.type != "none" for printer in printing):
        from printer.logo import printable_logo  # Pillow; the built-in logo waits for a ticket

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
