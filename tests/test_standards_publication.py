"""Publishing the Standar Pelayanan: logged at the start that serves a new text, once per change
(a restart logs nothing), shown on /standar with since when each part is in effect."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from satupintu.app import create_app
from shared.application.audit import check_station
from shared.domain.clock import ManualClock
from shared.domain.config import Config, parse_config
from shared.domain.events import StandardPublished
from tests.helpers import BASE_CONFIG

LAPOR = {
    "requirements": [{"id": "KTP pelapor", "en": "Reporter's ID card"}],
    "procedure": [{"id": "Sampaikan laporan", "en": "Tell the officer"}],
    "time": {"id": "± 20 menit", "en": "About 20 minutes"},
    "cost": {"id": "Gratis", "en": "Free"},
    "product": {"id": "Tanda terima laporan", "en": "Report receipt"},
}
# Whole stations started and restarted on one database.
pytestmark = pytest.mark.slow

PROPAM = {**LAPOR, "requirements": [{"id": "Kronologi kejadian", "en": "What happened"}]}


def hall_config(tmp_path: Path, lapor_cost: str = "Gratis", maklumat: str = "Kami siap.") -> Config:
    data: dict[str, Any] = copy.deepcopy(BASE_CONFIG)
    data["station"] = {"name": "SPKT Uji", "maklumat": maklumat}
    data["services"][0]["standard"] = {**LAPOR, "cost": lapor_cost}
    data["services"][3]["standard"] = PROPAM  # propam: private
    data["complaint_channels"] = [{"name": "LAPOR!", "contact": "SMS 1708", "short": "LAPOR!"}]
    return parse_config(data, base_dir=tmp_path)


def start(config: Config, clock: ManualClock) -> Flask:
    app = create_app(config, clock=clock)
    app.config["TESTING"] = True
    return app


def publications(app: Flask) -> list[dict[str, Any]]:
    station = app.extensions["satupintu"]
    with station.store.read() as db:
        rows = db.all(
            "SELECT at, actor, data FROM events WHERE name = ? ORDER BY id",
            [StandardPublished.name],
        )
    return [{"at": row["at"], "actor": row["actor"], **json.loads(row["data"])} for row in rows]


def since_lines(app: Flask, lang: str = "id") -> list[str]:
    page = app.test_client().get(f"/standar?lang={lang}").get_data(as_text=True)
    return re.findall(r'<p class="standard-since">([^<]*)</p>', page)


def test_the_first_start_publishes_the_whole_text_with_its_digest(
    tmp_path: Path, clock: ManualClock
) -> None:
    config = hall_config(tmp_path)
    app = start(config, clock)
    try:
        [published] = publications(app)
        assert published["actor"] == "config"
        assert published["standard"] == config.published_standard()
        assert published["standard"]["services"]["propam"]["requirements"][0]["id"] == (
            "Kronologi kejadian"
        )
        assert len(published["digest"]) == 64
        assert "service:lapor" in published["changed"] and "maklumat" in published["changed"]
        assert check_station(app.extensions["satupintu"]).ok
    finally:
        app.extensions["satupintu"].store.close()


def test_a_restart_with_the_same_text_logs_nothing_and_a_change_logs_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    for _ in range(2):  # the same text, started twice
        app = start(hall_config(tmp_path), clock)
        app.extensions["satupintu"].store.close()
        clock.advance(hours=1)
    changed = hall_config(tmp_path, lapor_cost="Rp 10.000")
    for _ in range(2):  # a new cost, started twice
        app = start(changed, clock)
        clock.advance(hours=1)
        logged = publications(app)
        app.extensions["satupintu"].store.close()
    assert len(logged) == 2
    assert logged[1]["changed"] == ["service:lapor"]
    assert logged[1]["standard"]["services"]["lapor"]["cost"]["id"] == "Rp 10.000"


def test_standar_says_since_when_each_part_reads_as_it_does(
    tmp_path: Path, clock: ManualClock
) -> None:
    """Published at 09.00 on 20 May 2026 (WITA); the cost of Laporan changed at 11.00."""
    start(hall_config(tmp_path), clock).extensions["satupintu"].store.close()
    clock.advance(hours=2)
    app = start(hall_config(tmp_path, lapor_cost="Rp 10.000"), clock)
    try:
        lines = since_lines(app)
        # The Maklumat, Laporan's standard, Propam's standard (only here), the channels.
        assert lines == [
            "Berlaku sejak 20 Mei 2026 pukul 09.00",
            "Berlaku sejak 20 Mei 2026 pukul 11.00",
            "Berlaku sejak 20 Mei 2026 pukul 09.00",
            "Berlaku sejak 20 Mei 2026 pukul 09.00",
        ]
        assert since_lines(app, "en")[1] == "In effect since 20 May 2026 at 11:00"
        page = app.test_client().get("/standar").get_data(as_text=True)
        assert "Kronologi kejadian" in page and "Rp 10.000" in page
        assert "belum ditetapkan" in page  # surat and lantas have no standard yet
    finally:
        app.extensions["satupintu"].store.close()


def test_a_station_that_never_published_a_standard_logs_nothing(app: Flask) -> None:
    assert publications(app) == []
    assert app.test_client().get("/standar").status_code == 200


def test_the_start_page_shows_the_maklumat_and_leads_to_standar(
    tmp_path: Path, clock: ManualClock
) -> None:
    app = start(hall_config(tmp_path, maklumat="Kami siap melayani sesuai standar."), clock)
    try:
        page = app.test_client().get("/?lang=en").get_data(as_text=True)
        assert "Service pledge" in page and "Kami siap melayani sesuai standar." in page
        assert 'href="/standar?lang=en"' in page
    finally:
        app.extensions["satupintu"].store.close()
