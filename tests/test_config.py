"""Loading config.yaml: the bundled station loads, and every fault is one line naming its key."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from shared.domain.config import ConfigError, load_config, parse_config
from tests.helpers import BASE_CONFIG
from tests.realserver import SATUPINTU

REPO = Path(__file__).resolve().parents[1]


def test_the_bundled_polres_kupang_station_loads() -> None:
    config = load_config(REPO / "config.yaml")
    assert config.station.name == "SPKT Polres Kupang"
    assert config.timezone == "Asia/Makassar"
    assert config.language == "id"
    assert config.printer.type == "preview"
    assert {service.unit for service in config.services} == {
        "SPKT", "Lantas", "Reskrim", "Samapta", "Propam"
    }  # fmt: skip
    assert config.service_by_id["propam"].private
    assert len(config.kiosks) == 1
    # Every counter is on a board, and no board has more than a landscape screen holds (six).
    shown = [counter for board in config.boards for counter in board.counters or ()]
    assert sorted(shown) == sorted(config.counter_by_id)
    assert max(len(board.counters or ()) for board in config.boards) <= 6
    shared_spkt = [c for c in config.counters if "spkt-lapor" in c.services]
    assert len(shared_spkt) >= 2
    rooms = {
        c.id: config.shown_name(c).id for c in config.counters if config.serves_only_private(c)
    }
    assert rooms == {"ruang-khusus-1": "Ruang Layanan Khusus 1",
                     "ruang-khusus-2": "Ruang Layanan Khusus 2"}  # fmt: skip


def _fault(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(BASE_CONFIG)
    change(data)
    file = tmp_path / "config.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(file)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["counters"][1].update(services=["lapor", "lantaz"]),
         "counters[1].services[1]: unknown service 'lantaz'"),
        (lambda d: d["services"][2].update(prefix="A"),
         "services[2].prefix: duplicate prefix 'A' (already used by service 'lapor')"),
        (lambda d: d.update(timezone="Asia/Kupang"), "timezone: unknown time zone 'Asia/Kupang'"),
        (lambda d: d["services"][0].pop("prefix"), "services[0].prefix: required key is missing"),
        (lambda d: d.update(langauge="id"), "langauge: unknown key"),
        (lambda d: d.update(language="fr"), "language: Input should be 'id' or 'en'"),
        (lambda d: d.update(printer={"type": "laser"}), "printer: type must be one of"),
        (lambda d: d.update(printer={"type": "network", "host": "10.0.0.9", "port": 70000}),
         "printer.port: Input should be less than or equal to 65535"),
        (lambda d: d["counters"].append({"id": "loket-1", "name": "X", "services": ["lapor"]}),
         "counters[4].id: duplicate id 'loket-1'"),
        (lambda d: d.update(day_starts_at="25:00"), "day_starts_at: must be a time of day"),
        (lambda d: d["limits"].update(tickets_per_minute=-1),
         "limits.tickets_per_minute: Input should be greater than or equal to 0"),
        (lambda d: d.update(boards=[{"id": "ruang-2", "counters": ["loket-9"]}]),
         "boards[0].counters[0]: unknown counter 'loket-9'"),
        (lambda d: d.update(announcement={"template": "Nomor {nomor}"}),
         "announcement.template: may only use the fields {number} and {counter}"),
        # The longest names the wall board fits (six such counters, either orientation).
        (lambda d: d["counters"][0].update(name={"id": "Loket 1", "en": "C" * 61}),
         "counters[0].name: may have at most 60 characters, not 61"),
        (lambda d: d["services"][0].update(name="S" * 71),
         "services[0].name: may have at most 70 characters, not 71"),
        (lambda d: d.update(privacy={"destination": "R" * 61}),
         "privacy.destination: may have at most 60 characters, not 61"),
        (lambda d: d["station"].update(name="S" * 51),
         "station.name: String should have at most 50 characters"),
        (lambda d: d.update(boards=[{"id": "ruang-2", "name": "P" * 21}]),
         "boards[0].name: String should have at most 20 characters"),
    ],
)  # fmt: skip
def test_a_bad_config_names_the_key_and_the_fault(
    tmp_path: Path, change: Any, expected: str
) -> None:
    assert expected in _fault(tmp_path, change)


def test_a_missing_file_and_broken_yaml_are_one_line_each(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("station: {name: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML at line"):
        load_config(broken)


def test_names_may_be_one_string_or_both_languages(tmp_path: Path) -> None:
    config = parse_config(copy.deepcopy(BASE_CONFIG), base_dir=tmp_path)
    assert config.service_by_id["lapor"].name.get("en") == "Reports"
    assert config.service_by_id["surat"].name.get("en") == "Surat Kehilangan"


def test_unquoted_yaml_times_are_understood(tmp_path: Path) -> None:
    data = yaml.safe_load("day_starts_at: 06:00\n")  # YAML 1.1 reads this as 360 minutes
    config = parse_config({**copy.deepcopy(BASE_CONFIG), **data}, base_dir=tmp_path)
    assert config.day_starts_at.hour == 6


def test_the_database_path_follows_the_config_file_unless_the_environment_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = parse_config(copy.deepcopy(BASE_CONFIG), base_dir=tmp_path)
    monkeypatch.delenv("SATUPINTU_DB", raising=False)
    assert config.database_path == tmp_path / "satupintu.db"
    monkeypatch.setenv("SATUPINTU_DB", str(tmp_path / "other.db"))
    assert config.database_path == tmp_path / "other.db"


def test_a_kiosk_without_its_own_printer_uses_the_station_printer(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["kiosks"] = [
        {"id": "kiosk-1"},
        {"id": "kiosk-2", "printer": {"type": "network", "host": "192.0.2.10"}},
    ]
    config = parse_config(data, base_dir=tmp_path)
    assert config.printer_for("kiosk-1").type == "none"
    assert config.printer_for(None).type == "none"
    network = config.printer_for("kiosk-2")
    assert network.type == "network" and network.port == 9100 and network.timeout == 3.0


def test_a_counter_may_not_serve_a_private_service_with_a_public_one(tmp_path: Path) -> None:
    """Else every number called there while it serves the private one gives the citizen away."""
    message = _fault(tmp_path, lambda d: d["counters"][3].update(services=["lantas", "propam"]))
    assert message.endswith(
        "config.yaml: counters[3].services: counter 'loket-4' serves the private service "
        "'propam' and the public service 'lantas'; a counter that serves a private service "
        "must serve only private services"
    )


@pytest.mark.external
def test_the_server_does_not_start_with_a_mixed_counter(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["counters"][3]["services"] = ["propam", "lapor"]
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = subprocess.run(
        [SATUPINTU, "serve", "--config", str(config)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        f"Error: bad config: {config}: counters[3].services: counter 'loket-4' serves the "
        "private service 'propam' and the public service 'lapor'; a counter that serves a "
        "private service must serve only private services"
    ]


def test_several_private_rooms_are_numbered_in_the_order_of_the_counters(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    data["services"].append(
        {"id": "ppa", "name": "PPA", "prefix": "H", "unit": "Reskrim", "private": True}
    )
    data["counters"] += [
        {"id": "meja-7", "name": "Meja 7", "services": ["ppa", "propam"]},
        {"id": "loket-5", "name": "Loket 5", "services": ["lapor"]},
    ]
    config = parse_config(data, base_dir=tmp_path)
    shown = {c.id: config.shown_name(c) for c in config.counters}
    assert (shown["loket-4"].id, shown["loket-4"].en) == (
        "Ruang Layanan Khusus 1",
        "Private service room 1",
    )
    assert (shown["meja-7"].id, shown["meja-7"].en) == (
        "Ruang Layanan Khusus 2",
        "Private service room 2",
    )
    assert shown["loket-5"].id == "Loket 5"
    one = parse_config(copy.deepcopy(BASE_CONFIG), base_dir=tmp_path)
    assert one.shown_name(one.counter_by_id["loket-4"]).id == "Ruang Layanan Khusus"
