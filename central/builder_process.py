"""A report builder's process (`central.builders` starts them): it takes the database's URL,
then jobs, and answers each with the station's report (without its audit section) built in
the snapshot the job names."""

from __future__ import annotations

import logging
import sys
from typing import Any, BinaryIO

from psycopg import sql

from central import reports
from central.stations import one_station
from central.store import CentralStore
from shared.application.reporting.reports import Period
from shared.domain.errors import SatuPintuError
from shared.operations.pipes import read_value, write_value

logger = logging.getLogger(__name__)


def serve_builds(requests: BinaryIO, answers: BinaryIO) -> None:
    """A builder's loop: the database's URL, then (snapshot, job) until the pipe closes."""
    store = CentralStore(read_value(requests))
    while True:
        try:
            snapshot, job = read_value(requests)
        except EOFError:
            return
        try:
            with store.connection() as conn, conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
                station = one_station(conn, job.station)
                assert station is not None
                period = Period(job.first, job.last)
                body = reports.report_body(conn, station, period, job.now, job.language)
                answer: tuple[str, Any] = ("ok", body)
        except SatuPintuError as error:
            answer = ("error", error)
        except Exception as error:  # a bug: tell the server, keep serving
            logger.exception("building the report of %s failed", job.station)
            answer = ("crash", repr(error))
        write_value(answers, answer)


if __name__ == "__main__":
    serve_builds(sys.stdin.buffer, sys.stdout.buffer)
