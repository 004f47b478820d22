"""The Standar Pelayanan in config.yaml: what the bundled station publishes, what a bad entry
says, and the digests that tell a changed standard from a restart."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from shared.domain import standards
from shared.domain.config import ConfigError, load_config, parse_config
from tests.helpers import BASE_CONFIG

BUNDLED = Path(__file__).resolve().parents[1] / "config.yaml"
STANDARD: dict[str, Any] = {
    "requirements": [{"id": "KTP asli", "en": "Original ID card"}],
    "procedure": ["Serahkan berkas"],
    "time": "± 10 menit",
    "cost": {"id": "Gratis (Rp 0)", "en": "Free (Rp 0)"},
    "product": "Surat keterangan",
}


def config_with(tmp_path: Path, standard: Any = None, **top: Any) -> Any:
    data = copy.deepcopy(BASE_CONFIG)
    if standard is not None:
        data["services"][0]["standard"] = standard
    data.update(top)
    return parse_config(data, base_dir=tmp_path)


def test_the_bundled_station_publishes_a_standard_for_every_service_its_pledge_and_channels():
    config = load_config(BUNDLED)
    assert all(service.standard for service in config.services)
    assert config.station.maklumat and "standar pelayanan" in config.station.maklumat.id
    shorts = [channel.short for channel in config.complaint_channels]
    assert "LAPOR! SMS 1708" in shorts
    assert any("Ombudsman" in channel.name.id for channel in config.complaint_channels)
    licence = config.service_by_id["lantas-dokumen"].standard
    assert licence is not None and "PNBP" in licence.cost.id
    assert len(licence.paper_requirements("en")) <= 160


def test_one_string_is_the_same_words_in_both_languages(tmp_path: Path) -> None:
    standard = config_with(tmp_path, STANDARD).services[0].standard
    assert standard.procedure[0].en == "Serahkan berkas"
    assert standard.requirements[0].en == "Original ID card"
    assert standard.paper_requirements("id") == "KTP asli"


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"requirements": []}, "services[0].standard.requirements: "),
        (
            {"requirements": ["x" * 161]},
            "requirements[0]: may have at most 160",
        ),
        ({"procedure": None}, "services[0].standard.procedure: "),
        ({"time": None}, "services[0].standard.time: "),
        ({"requirements": ["x"] * 16}, "services[0].standard.requirements: "),
        ({"color": "red"}, "services[0].standard.color: unknown key"),
        (
            {"requirements": ["Dokumen nomor satu yang panjang sekali"] * 5},
            "give requirements_short",
        ),
        ({"requirements_short": "y" * 161}, "services[0].standard.requirements_short: may have"),
    ],
)
def test_a_bad_standard_names_its_key(tmp_path: Path, change: dict[str, Any], says: str) -> None:
    standard = {**STANDARD, **change}
    standard = {key: value for key, value in standard.items() if value is not None}
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, standard)
    assert says in str(error.value)


def test_long_requirements_print_their_short_form(tmp_path: Path) -> None:
    standard = {
        **STANDARD,
        "requirements": ["Dokumen nomor satu yang panjang sekali"] * 5,
        "requirements_short": {"id": "Lima dokumen", "en": "Five documents"},
    }
    parsed = config_with(tmp_path, standard).services[0].standard
    assert parsed.paper_requirements("en") == "Five documents"


@pytest.mark.parametrize(
    ("top", "says"),
    [
        ({"station": {"name": "X", "maklumat": "m" * 801}}, "station.maklumat: may have at most"),
        ({"complaint_channels": [{"name": "LAPOR!"}]}, "complaint_channels[0].contact: required"),
        (
            {"complaint_channels": [{"name": "LAPOR!", "contact": "1708", "short": "s" * 41}]},
            "complaint_channels[0].short: ",
        ),
        (
            {"complaint_channels": [{"name": f"K{n}", "contact": "c"} for n in range(9)]},
            "complaint_channels: ",
        ),
    ],
)
def test_a_bad_pledge_or_channel_names_its_key(
    tmp_path: Path, top: dict[str, Any], says: str
) -> None:
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, **top)
    assert says in str(error.value)


def test_a_standard_too_long_for_one_audit_event_is_refused(tmp_path: Path) -> None:
    """Central takes a log row's data up to 64 KiB: the whole published text must fit one."""
    long = {
        **STANDARD,
        "requirements": [{"id": "p" * 160, "en": "q" * 160}] * 15,
        "procedure": [{"id": "s" * 200, "en": "t" * 200}] * 15,
        "requirements_short": "bawa semua",
    }
    services = [
        {"id": f"s{n}", "name": f"Layanan {n}", "prefix": chr(65 + n // 26) + chr(65 + n % 26),
         "unit": "SPKT", "standard": long}
        for n in range(8)
    ]  # fmt: skip
    counters = [{"id": "loket-1", "name": "Loket 1", "services": ["s0"]}]
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, services=services, counters=counters)
    assert "the audit trail keeps in one event" in str(error.value)


# ---- the digests and "berlaku sejak" ---------------------------------------------------------


def test_each_part_has_its_digest_and_only_a_changed_part_counts_as_changed(
    tmp_path: Path,
) -> None:
    before = standards.part_digests(config_with(tmp_path, STANDARD).published_standard())
    changed = {**STANDARD, "cost": "Rp 50.000"}
    after = standards.part_digests(config_with(tmp_path, changed).published_standard())
    assert set(before) == {"maklumat", "complaint_channels", "service:lapor", "service:surat",
                           "service:lantas", "service:propam"}  # fmt: skip
    assert standards.changed_parts(before, after) == ["service:lapor"]
    assert standards.changed_parts(None, after) == sorted(after)
    assert standards.changed_parts(before, before) == []


def test_a_part_is_in_effect_since_the_publication_that_gave_it_its_present_words() -> None:
    first, second, third = (datetime(2026, 5, day, tzinfo=UTC) for day in (1, 2, 3))
    history = [
        (first, {"maklumat": "a", "service:x": "1"}),
        (second, {"maklumat": "a", "service:x": "2"}),
        (third, {"maklumat": "b", "service:x": "2"}),
    ]
    now = {"maklumat": "b", "service:x": "2", "service:y": "9"}
    assert standards.in_effect_since(history, now) == {"maklumat": third, "service:x": second}


def test_a_station_without_any_standard_publishes_nothing(tmp_path: Path) -> None:
    assert not standards.publishes_anything(config_with(tmp_path).published_standard())
    assert standards.publishes_anything(config_with(tmp_path, STANDARD).published_standard())


def test_the_hall_sees_no_private_services_standard(tmp_path: Path) -> None:
    data = copy.deepcopy(BASE_CONFIG)
    for service in data["services"]:
        service["standard"] = STANDARD
    shown = standards.public_standards(parse_config(data, base_dir=tmp_path))
    assert sorted(shown) == ["lantas", "lapor", "surat"]  # not propam
