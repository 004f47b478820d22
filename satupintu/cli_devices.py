"""`satupintu enrol`: make a browser a kiosk, a survey or a greeter tablet, or end its
credentials."""

from __future__ import annotations

import click

from satupintu.app import open_station
from satupintu.cli_options import DEFAULT_PORT, config_from, config_option, lan_address, refused
from shared.application.devices import ENROL_HOURS, Kind, invite, revoke
from shared.domain.errors import SatuPintuError


@click.group()
def enrol() -> None:
    """Make a browser one of the station's kiosks, a counter's survey tablet or a greeter."""


def _enrol(kind: Kind, target: str, url: str | None, config_file: str | None) -> None:
    config = config_from(config_file)
    station = open_station(config)
    try:
        code = invite(station, kind, target, "cli")
    except SatuPintuError as error:
        raise refused(error) from None
    base = (
        url or config.public_url or f"http://{lan_address() or '127.0.0.1'}:{DEFAULT_PORT}"
    ).rstrip("/")
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


@enrol.command("greeter")
@click.argument("greeter_id")
@URL_OPTION
@config_option
def enrol_greeter(greeter_id: str, url: str | None, config_file: str | None) -> None:
    """Print a one-time link that makes a browser the tablet of greeter GREETER_ID."""
    _enrol(Kind.GREETER, greeter_id, url, config_file)


@enrol.command("revoke")
@click.argument("kind", type=click.Choice([kind.value for kind in Kind]))
@click.argument("target")
@config_option
def enrol_revoke(kind: str, target: str, config_file: str | None) -> None:
    """End the credentials of kiosk TARGET (or a survey or greeter tablet) at once."""
    station = open_station(config_from(config_file))
    try:
        ended = revoke(station, Kind(kind), target, "cli")
    except SatuPintuError as error:
        raise refused(error) from None
    click.echo(f"Revoked {ended} credential(s) of {kind} '{target}'; enrol it again to use it.")
