"""The `satupintu` command: serve the station, manage users and devices, report, audit, back up
and check the hall; each group of commands lives in its own `cli_*` module."""

from __future__ import annotations

import click

from satupintu.central_cli import central
from satupintu.cli_care import backup, doctor, printer_group, restore
from satupintu.cli_devices import enrol
from satupintu.cli_records import audit_group, report
from satupintu.cli_serve import serve
from satupintu.cli_users import user


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Satu Pintu: queue tickets for one-stop public service desks."""


for command in (serve, user, enrol, report, backup, restore, doctor, central):
    main.add_command(command)
main.add_command(printer_group, "printer")
main.add_command(audit_group, "audit")
