"""`satupintu report` and `satupintu audit`: the day's figures and the tamper-evident log."""

from __future__ import annotations

import sys
from typing import Any

import click

from satupintu.app import open_station
from satupintu.cli_options import config_from, config_option, refused
from shared.application import audit
from shared.application.station import Station
from shared.domain.errors import SatuPintuError
from shared.domain.events import StationRestored
from shared.domain.i18n import text
from shared.domain.skm import SkmPeriod
from shared.domain.ticket import Logged
from shared.store import anchors

PERIOD_FORMATS = ("skm-pdf", "scorecard", "scorecard-pdf", "evidence")


@click.command()
@click.option("--date", "first", metavar="YYYY-MM-DD", help="The day (default: today).")
@click.option("--to", "last", metavar="YYYY-MM-DD", help="Last day of a range (default: --date).")
@click.option("--month", metavar="YYYY-MM", help="A whole month instead of --date/--to.")
@click.option(
    "--period",
    "skm_period",
    metavar="2026-Q4|2026-S2|2026",
    help="A quarter, half-year or year (the SKM's periods) instead of --date/--to.",
)
@click.option(
    "--format",
    "output",
    type=click.Choice(["csv", "json", "xlsx", "skm-pdf", "scorecard", "scorecard-pdf", "evidence"]),
    default="csv",
    show_default=True,
    help="csv prints one table (see --table); json the whole report; xlsx writes every table "
    "as a spreadsheet, skm-pdf the SKM report of --period as a PDF, to standard output "
    "(redirect it to a file); scorecard the head of the hall's scorecard of --period as "
    "JSON, scorecard-pdf as a PDF, evidence the evidence bundle (ZIP) of --period.",
)
@click.option(
    "--table",
    type=click.Choice(
        ["summary", "hourly", "fairness", "officers", "longest", "satisfaction", "skm", "audit"]
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
    skm_period: str | None,
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

    station = open_station(config_from(config_file))
    if output in PERIOD_FORMATS and not skm_period:
        raise click.UsageError(f"--format {output} needs --period (e.g. 2026-Q4).")
    try:
        period = Period.parse(first, last, month, station.today(), skm_period)
    except SatuPintuError as error:
        raise refused(error) from None
    if output == "skm-pdf":
        from shared.application.reporting.skm_pdf import skm_document

        assert skm_period is not None
        click.echo(skm_document(station, skm_period), nl=False)
        return
    if output in ("scorecard", "scorecard-pdf", "evidence"):
        assert skm_period is not None
        click.echo(_scorecard(station, output, skm_period, lang), nl=False)
        return
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


def _scorecard(station: Station, output: str, label: str, lang: str | None) -> str | bytes:
    """The scorecard of a period as JSON or a PDF, or its evidence bundle."""
    import json

    from shared.application.reporting import evidence, scorecard, scorecard_pdf

    label = SkmPeriod.parse(label).label
    if output == "scorecard":
        card = scorecard.of_station(station, label, lang)
        return json.dumps(card, ensure_ascii=False, indent=2) + "\n"
    if output == "scorecard-pdf":
        return scorecard_pdf.document(station, label, lang)
    return evidence.bundle(station, label)


@click.group()
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
    station = open_station(config_from(config_file))
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
