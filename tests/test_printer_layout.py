"""The paper ticket's content: what it says, in which order and language, and that it fits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from printer import sample_ticket
from printer.layout import Logo, QrCode, TextLine, ticket_layout, to_ascii
from shared.domain.config import LocalText
from shared.domain.estimates import WaitRange
from tests.printer_fixtures import (
    BOOKING_URL,
    STATUS_URL,
    a_booking_slip,
    a_ticket,
    station_config,
)

RULE = "-" * 42


def texts(ticket=None, width: int = 42) -> list[str]:
    return [
        block.text
        for block in ticket_layout(ticket or a_ticket(), width)
        if isinstance(block, TextLine)
    ]


def styled(style: str, ticket=None) -> list[str]:
    blocks = ticket_layout(ticket or a_ticket(), 42)
    return [block.text for block in blocks if isinstance(block, TextLine) and block.style == style]


def language_blocks(ticket=None) -> list[list[str]]:
    """The lines between the rules after the number: one block per language."""
    lines = texts(ticket)
    first = lines.index(RULE)
    blocks, current = [], []
    for line in lines[first + 1 :]:
        if line == RULE:
            blocks.append(current)
            current = []
        else:
            current.append(line)
    return blocks


def test_the_logo_and_the_station_head_the_ticket_then_the_number_and_the_time():
    blocks = ticket_layout(a_ticket(), 42)
    assert blocks[0] == Logo(None)  # the built-in mark
    assert blocks[1] == TextLine("SPKT Polres Kupang", "bold")
    lines = texts()
    assert lines.index("A-001") < lines.index("20/05/2026 08:14 WITA") < lines.index(RULE)


def test_the_station_logo_file_is_the_one_printed():
    assert ticket_layout(a_ticket(logo=Path("kupang.png")), 42)[0] == Logo(Path("kupang.png"))


def test_the_number_is_the_only_line_printed_four_times_normal_size():
    assert styled("number") == ["A-001"]


def test_indonesian_comes_in_one_block_then_english_in_another():
    indonesian, english = language_blocks()
    assert indonesian == [
        "Laporan & Pengaduan",
        "Unit: SPKT",
        "Di depan Anda: 3 orang",
        "Perkiraan menunggu: sekitar 5-15 menit",
        "Lama layanan: sekitar 20 menit",
        "Layanan ini GRATIS",
        "Pantau antrean: pindai kode QR di bawah.",
        "Simpan tiket ini.",
    ]
    assert english == [
        "Reports & Complaints",
        "Unit: SPKT",
        "Ahead of you: 3 people",
        "Estimated wait: about 5-15 minutes",
        "Service time: about 20 minutes",
        "This service is FREE",
        "Follow the queue: scan the QR code below.",
        "Keep this ticket.",
    ]


def test_a_service_with_no_standard_time_promises_none_on_paper():
    printed = texts(a_ticket(standard_minutes=None))
    assert not any(line.startswith(("Lama layanan", "Service time")) for line in printed)
    assert "Perkiraan menunggu: sekitar 5-15 menit" in printed


def test_no_line_mixes_the_two_languages():
    assert not any(" / " in line for line in texts(a_ticket(priority=True, test=True)))


def test_an_english_station_prints_the_english_block_first():
    english, indonesian = language_blocks(a_ticket(language="en"))
    assert english[0] == "Reports & Complaints"
    assert indonesian[0] == "Laporan & Pengaduan"


@pytest.mark.parametrize(
    ("wait", "indonesian", "english"),
    [
        (WaitRange(10, 20), "Perkiraan menunggu: sekitar 10-20 menit",
         "Estimated wait: about 10-20 minutes"),
        (WaitRange(0, 5), "Perkiraan menunggu: kurang dari 5 menit",
         "Estimated wait: under 5 minutes"),
        (None, "Segera dipanggil", "Called soon"),
    ],
)  # fmt: skip
def test_the_wait_is_the_range_the_screens_show(wait, indonesian, english):
    lines = texts(a_ticket(estimated_wait=wait))
    assert indonesian in lines
    assert english in lines


def test_one_person_ahead_is_said_in_the_singular_and_nobody_plainly():
    assert "Ahead of you: 1 person" in texts(a_ticket(ahead=1))
    nobody = texts(a_ticket(ahead=0))
    assert "Tidak ada antrean di depan Anda" in nobody
    assert "Nobody is ahead of you" in nobody


def test_a_private_ticket_has_no_unit_line():
    neutral = LocalText(id="Layanan khusus / konsultasi", en="Special services / consultation")
    indonesian, english = language_blocks(a_ticket(number="R-001", service=neutral, unit=None))
    assert indonesian[0] == "Layanan khusus / konsultasi"
    assert english[0] == "Special services / consultation"
    assert not any(line.startswith("Unit:") for line in indonesian + english)


def test_priority_is_marked_in_each_language_and_a_regular_ticket_is_not():
    assert styled("inverse", a_ticket(priority=True)) == ["PRIORITAS", "PRIORITY"]
    assert not any("PRIORITAS" in line for line in texts())


def test_fee_is_shown_in_both_languages_and_left_out_when_unknown():
    assert {"Layanan ini GRATIS", "This service is FREE"} <= set(styled("bold"))
    assert not any("GRATIS" in line for line in texts(a_ticket(fee=None)))


def test_the_qr_code_of_the_status_url_comes_last():
    blocks = ticket_layout(a_ticket(), 42)
    assert blocks[-1] == QrCode(STATUS_URL)
    assert [block for block in blocks if isinstance(block, QrCode)] == [QrCode(STATUS_URL)]


@pytest.mark.parametrize("width", [24, 32, 42, 64])
def test_every_line_fits_the_paper_and_nothing_is_lost(width):
    station = "Sentra Pelayanan Kepolisian Terpadu Polres Kupang Kota"
    blocks = ticket_layout(a_ticket(station=station, number="AB-123"), width)
    lines = [block for block in blocks if isinstance(block, TextLine)]
    for line in lines:
        assert len(line.text) * (4 if line.style == "number" else 1) <= width
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
    assert blocks[:2] == [TextLine("TIKET TES", "inverse"), TextLine("TEST TICKET", "inverse")]
    assert blocks[-2:] == [
        TextLine("Bukan nomor antrean", "inverse"),
        TextLine("Not a queue number", "inverse"),
    ]


def test_sample_ticket_is_a_test_of_the_first_service_numbered_zero():
    config = station_config(public_url="https://antrean.polreskupang.id")
    ticket = sample_ticket(config, datetime(2026, 5, 20, 0, 14, tzinfo=UTC))
    assert ticket.test
    assert ticket.number == "A-000"
    assert ticket.service == config.services[0].name
    assert ticket.status_url == "https://antrean.polreskupang.id/"
    assert "20/05/2026 08:14 WITA" in texts(ticket)


def test_a_booking_slip_shows_the_code_large_the_slot_the_check_in_window_and_its_qr():
    blocks = ticket_layout(a_booking_slip(), 42)
    lines = [(block.text, block.style) for block in blocks if isinstance(block, TextLine)]
    assert ("K7Q-4M2", "number") in lines
    assert [text for text, style in lines if style == "number"] == ["K7Q-4M2"]
    assert ("BOOKING", "inverse") in lines
    assert ("21/05/2026 09:00 WITA", "bold") in lines
    assert ("Check-in di kios pukul 08:30 - 09:15.", "plain") in lines
    assert ("Check in at the kiosk from 08:30 to 09:15.", "plain") in lines
    assert blocks[-1] == QrCode(BOOKING_URL)
    printed = " ".join(text for text, _ in lines)
    assert "antrean" not in printed.lower()  # no queue position or wait on a booking


def test_a_ticket_is_not_a_booking_slip():
    lines = [block.text for block in ticket_layout(a_ticket(), 42) if isinstance(block, TextLine)]
    assert "BOOKING" not in lines


REQUIREMENTS = LocalText(
    id="KTP asli + fotokopi, surat sehat, surat psikologi, SIM lama (perpanjangan)",
    en="ID card + copy, health and psychology certificates, old licence (renewal)",
)
CHANNELS = "LAPOR! SMS 1708; Dumas Presisi / 110; Propam Polres Kupang; Ombudsman 137"


@pytest.mark.parametrize("width", [24, 32, 42, 64])
def test_the_requirements_and_complaint_channels_are_printed_in_each_language_within_the_paper(
    width,
):
    ticket = a_ticket(requirements=REQUIREMENTS, complaints=CHANNELS)
    lines = [block for block in ticket_layout(ticket, width) if isinstance(block, TextLine)]
    assert all(len(line.text) <= width for line in lines if line.style != "number")
    indonesian, english = (" ".join(block) for block in language_blocks(ticket))
    assert f"Bawa: {REQUIREMENTS.id}" in indonesian and f"Bring: {REQUIREMENTS.en}" in english
    assert f"Pengaduan: {CHANNELS}" in indonesian and f"Complaints: {CHANNELS}" in english


def test_a_ticket_without_requirements_or_channels_prints_neither():
    lines = " ".join(texts(a_ticket(requirements=None, complaints=None)))
    assert "Bawa:" not in lines and "Pengaduan:" not in lines
