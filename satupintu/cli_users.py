"""`satupintu user`: the people who log in, managed from the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from satupintu.app import open_station
from satupintu.cli_options import config_from, config_option, refused
from shared.application import users
from shared.application.staff_phones import set_phone
from shared.application.station import Station
from shared.domain.errors import SatuPintuError


@click.group()
def user() -> None:
    """Manage the people who log in."""


def _change_user(config_file: str | None, change: Callable[[Station], Any], done: str) -> None:
    """Apply one change to the users of the configured station; a refusal is one line."""
    station = open_station(config_from(config_file))
    try:
        change(station)
    except SatuPintuError as error:
        raise refused(error) from None
    click.echo(done)


def _password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(["officer", "supervisor", "admin", "propam"]),
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
    config_from(config_file)  # a bad config stops before the password is asked for
    password = _password(password_stdin)
    _change_user(
        config_file,
        lambda station: users.add_user(station, name, role, password, "cli", units),
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
        lambda station: users.set_units(station, name, None if units == "all" else units, "cli"),
        f"'{name}' now acts at the counters of {units}.",
    )


@user.command("list")
@config_option
def user_list(config_file: str | None) -> None:
    """List the users with their role and whether they are disabled."""
    station = open_station(config_from(config_file))
    for row in users.list_users(station):
        state = "disabled" if row["disabled"] else "enabled"
        click.echo(f"{row['username']}\t{row['role']}\t{state}\t{row['units'] or 'all units'}")


@user.command("disable")
@click.argument("name")
@config_option
def user_disable(name: str, config_file: str | None) -> None:
    """Disable a user: they cannot log in, and their open sessions end now."""
    _change_user(
        config_file,
        lambda station: users.set_disabled(station, name, True, "cli"),
        f"Disabled '{name}'; their sessions have ended.",
    )


@user.command("enable")
@click.argument("name")
@config_option
def user_enable(name: str, config_file: str | None) -> None:
    """Let a disabled user log in again."""
    _change_user(
        config_file,
        lambda station: users.set_disabled(station, name, False, "cli"),
        f"Enabled '{name}'.",
    )


@user.command("reset-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@config_option
def user_reset_password(name: str, password_stdin: bool, config_file: str | None) -> None:
    """Give a user a new password; their open sessions end."""
    config_from(config_file)
    password = _password(password_stdin)
    _change_user(
        config_file,
        lambda station: users.reset_password(station, name, password, "cli"),
        f"New password set for '{name}'; their sessions have ended.",
    )


@user.command("role")
@click.argument("name")
@click.argument("role", type=click.Choice(["officer", "supervisor", "admin", "propam"]))
@config_option
def user_role(name: str, role: str, config_file: str | None) -> None:
    """Give a user another role (it applies to their next request)."""
    _change_user(
        config_file,
        lambda station: users.change_role(station, name, role, "cli"),
        f"'{name}' is now {role}.",
    )


@user.command("phone")
@click.argument("name")
@click.argument("number", metavar="NUMBER|none")
@click.option(
    "--sms-alerts/--no-sms-alerts",
    default=False,
    help="A supervisor's (or an admin's) alerts by SMS to this number (default: no).",
)
@config_option
def user_phone(name: str, number: str, sms_alerts: bool, config_file: str | None) -> None:
    """Give a user a mobile number (`none`: remove it), shown only masked."""
    phone = None if number == "none" else number
    _change_user(
        config_file,
        lambda station: set_phone(station, name, phone, sms_alerts, "cli"),
        f"'{name}' has no mobile number now."
        if phone is None
        else f"Mobile number of '{name}' set"
        + (" (alerts by SMS)." if sms_alerts else " (no alerts by SMS)."),
    )
