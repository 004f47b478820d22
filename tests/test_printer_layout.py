"""The paper ticket's content: what it says, in which order and language, and that it fits."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from printer import sample_ticket
from printer.layout import QrCode, TextLine, ticket_layout, to_ascii
from shared.config import LocalText
from tests.printer_fixtures import STATUS_URL, a_ticket, station_config


def texts(ticket=None, width: int = 42) -> list[str]:
    return [
        block.text
        for block in ticket_layout(ticket or a_ticket(), width)
        if isinstance(block, TextLine)
    ]


def styled(style: str, ticket=None) -> list[str]:
    blocks = ticket_layout(ticket or a_ticket(), 42)
    return [block.text for block in blocks if isinstance(block, TextLine) and block.style == style]


def test_ticket_names_station_service_in_both_languages_and_unit_in_that_order():
    lines = texts()
    order = ["SPKT Polres Kupang", "Laporan & Pengaduan", "Reports & Complaints", "Unit: SPKT"]
    assert [lines.index(text) for text in order] == sorted(lines.index(text) for text in order)


def test_number_is_the_only_large_line():
    assert styled("large") == ["A-001"]


def test_service_name_is_printed_once_when_both_languages_agree():
    lines = texts(a_ticket(service=LocalText(id="SIM", en="SIM")))
    assert lines.count("SIM") == 1


def test_indonesian_comes_first_and_english_second():
    assert "Antrean di depan Anda: 3 / People ahead: 3" in texts()


def test_an_english_station_prints_english_first():
    lines = texts(a_ticket(language="en"))
    assert "People ahead: 3 / Antrean di depan Anda: 3" in lines
    assert lines.index("Reports & Complaints") < lines.index("Laporan & Pengaduan")


def test_priority_ticket_is_marked_and_a_regular_one_is_not():
    assert "PRIORITAS / PRIORITY" in styled("inverse", a_ticket(priority=True))
    assert not any("PRIORITAS" in line for line in texts())


def test_issue_time_is_local_with_the_zone_abbreviation():
    assert "20/05/2026 08:14 WITA" in texts()


def test_wait_and_service_time_are_in_minutes_in_both_languages():
    lines = texts()
    for expected in (
        "Perkiraan waktu tunggu: 12 menit",
        "Estimated wait: 12 min",
        "Waktu layanan: 20 menit",
        "Service time: 20 min",
    ):
        assert expected in lines


def test_fee_is_shown_in_both_languages_and_left_out_when_unknown():
    assert "Layanan ini GRATIS / This service is FREE" in styled("bold")
    assert not any("GRATIS" in line for line in texts(a_ticket(fee=None)))


def test_qr_code_of_the_status_url_comes_before_the_bilingual_footer():
    blocks = ticket_layout(a_ticket(), 42)
    qr_codes = [index for index, block in enumerate(blocks) if isinstance(block, QrCode)]
    assert [blocks[index] for index in qr_codes] == [QrCode(STATUS_URL)]
    footer = [block.text for block in blocks[qr_codes[0] :] if isinstance(block, TextLine)]
    assert footer == [
        "Pindai untuk melihat status antrean",
        "Scan for live status",
        "Simpan tiket ini / Keep this ticket",
    ]


@pytest.mark.parametrize("width", [24, 32, 42, 64])
def test_every_line_fits_the_paper_and_nothing_is_lost(width):
    station = "Sentra Pelayanan Kepolisian Terpadu Polres Kupang Kota"
    blocks = ticket_layout(a_ticket(station=station, number="AB-123"), width)
    lines = [block for block in blocks if isinstance(block, TextLine)]
    for line in lines:
        assert len(line.text) <= (width // 2 if line.style == "large" else width)
    printed_words = " ".join(line.text for line in lines).split()
    assert all(word in printed_words for word in station.split())
    assert "AB-123" in printed_words


def test_text_is_plain_ascii_without_control_characters():
    ticket = a_ticket(
        station="Polrés Kupang \u2014 \u201cSatu Pintu\u201d",
        service=LocalText(id="Pengaduan\x1b@", en="Complaints\tdesk"),
    )
    lines = texts(ticket)
    assert 'Polres Kupang - "Satu Pintu"' in lines
    assert all(" " <= char <= "~" for line in lines for char in line)


def test_to_ascii_keeps_indonesian_text_as_it_is():
    text = "Laporan & Pengaduan: Surat Keterangan Kehilangan (SKCK) 100%"
    assert to_ascii(text) == text


def test_test_ticket_is_marked_at_the_top_and_says_it_is_not_a_queue_number():
    blocks = ticket_layout(a_ticket(test=True), 42)
    assert blocks[0] == TextLine("TIKET TES / TEST TICKET", "inverse")
    assert blocks[-1] == TextLine("Bukan nomor antrean / Not a queue number", "inverse")


def test_sample_ticket_is_a_test_of_the_first_service_numbered_zero():
    config = station_config(public_url="https://antrean.polreskupang.id")
    ticket = sample_ticket(config, datetime(2026, 5, 20, 0, 14, tzinfo=UTC))
    assert ticket.test
    assert ticket.number == "A-000"
    assert ticket.service == config.services[0].name
    assert ticket.status_url == "https://antrean.polreskupang.id/"
    assert "20/05/2026 08:14 WITA" in texts(ticket)
