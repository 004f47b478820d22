"""Looking after a hall for years: `backup`, `restore`, `doctor` and `printer test`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from satupintu.app import open_station
from satupintu.cli_options import config_from, config_option
from shared.domain.clock import SystemClock
from shared.domain.config import ConfigError, load_config
from shared.operations import backups


@click.group("printer")
def printer_group() -> None:
    """Check the ticket printers."""


@printer_group.command("test")
@click.argument("kiosk_id", required=False)
@config_option
def printer_test(kiosk_id: str | None, config_file: str | None) -> None:
    """Print a test ticket on KIOSK_ID's printer (default: the station printer)."""
    from printer import Printers, sample_ticket

    config = config_from(config_file)
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


@click.command()
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
    station = open_station(config_from(config_file))
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


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@config_option
def restore(path: Path, config_file: str | None) -> None:
    """Replace the database with the backup PATH, if it verifies; the old one is kept aside.

    Refuses while any process (the server, a backup) has the database open: stop the server
    first. The copy must verify as the station's database, against every day-close anchor.
    The restore is logged (station.restored), so the audit explains it and central takes the
    log continuing from the copy instead of seeing a fork.
    """
    config = config_from(config_file)
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


@click.command()
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
