"""The SMS rules with no I/O: numbers, masking, the GSM 7-bit alphabet, which message is due."""

from __future__ import annotations

import pytest

from shared.domain.errors import InvalidRequest
from shared.domain.i18n import catalogue
from shared.domain.sms import (
    MessageKind,
    Reply,
    due_kind,
    fit_message,
    fits_one_sms,
    gsm_septets,
    mask,
    normalise_number,
    reply_command,
    to_gsm,
)


@pytest.mark.parametrize(
    "written",
    ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890", "+62 812 3456 7890",
     " 0812.3456.7890 ", "(0812) 34567890"],
)  # fmt: skip
def test_every_indonesian_mobile_format_becomes_one_number(written: str) -> None:
    assert normalise_number(written) == "+6281234567890"


@pytest.mark.parametrize(
    "written",
    ["0211234567", "+6221123456", "+14155550100", "0812345", "08123456789012345", "0812abc45678",
     "81234567890", "+62 0812 3456 7890", "", "   ", "١٢٣٤٥٦٧٨٩٠", "0812 3456 7890 ext 1"],
)  # fmt: skip
def test_anything_but_an_indonesian_mobile_number_is_refused(written: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        normalise_number(written)
    assert refused.value.message_key.startswith("error.sms.number")


@pytest.mark.parametrize("value", [None, 81234567890, ["081234567890"]])
def test_a_number_that_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(InvalidRequest):
        normalise_number(value)


def test_staff_see_a_number_masked() -> None:
    assert mask("+6281234567890") == "0812•••7890"
    assert mask("+62811223344") == "0811•••3344"


def test_extension_characters_count_twice_and_others_do_not_fit() -> None:
    assert gsm_septets("Loket 1") == 7
    assert gsm_septets("[1]") == 5
    assert gsm_septets("Ruang 🙂") is None
    assert fits_one_sms("a" * 160) and not fits_one_sms("a" * 161)
    assert not fits_one_sms("a" * 80 + "€" * 41)


def test_text_outside_the_alphabet_is_made_plain() -> None:
    assert to_gsm("Kantor \u014ctsuka \u2013 Loket \u201c2\u201d") == 'Kantor Otsuka - Loket "2"'
    assert to_gsm("🙂") == "?"


def test_a_long_station_name_is_shortened_so_the_message_stays_one_sms() -> None:
    body = "Nomor A-001 dipanggil. Silakan menuju Loket 1 SPKT (Pengaduan dan Laporan Polisi)."
    text = fit_message("Sentra Pelayanan Kepolisian Terpadu Polres Kupang Kota", body * 1)
    assert fits_one_sms(text) and text.endswith(body)
    assert fit_message("Polres Kupang", "x") == "Polres Kupang: x"
    assert fits_one_sms(fit_message("P", "y" * 200))


@pytest.mark.parametrize(
    ("status", "almost", "due"),
    [("waiting", False, None), ("waiting", True, MessageKind.ALMOST),
     ("called", False, MessageKind.CALLED), ("no_show", False, MessageKind.NO_SHOW),
     ("done", False, None), ("cancelled", False, None), ("expired", False, None)],
)  # fmt: skip
def test_the_message_a_ticket_state_calls_for(
    status: str, almost: bool, due: MessageKind | None
) -> None:
    assert due_kind(status, almost) is due


@pytest.mark.parametrize(
    ("reply", "command"),
    [("BATAL", Reply.CANCEL), ("batal", Reply.CANCEL), (" Batal. ", Reply.CANCEL),
     ("STATUS", Reply.STATUS), ("status dong", Reply.STATUS), ("tunda", Reply.POSTPONE),
     ("", Reply.HELP), ("halo", Reply.HELP), ("BATALKAN", Reply.HELP)],
)  # fmt: skip
def test_a_reply_is_read_by_its_first_word(reply: str, command: Reply) -> None:
    assert reply_command(reply) is command


def test_every_sms_text_in_the_catalogue_is_in_the_gsm_alphabet() -> None:
    for key, entry in catalogue().items():
        if key.startswith("sms."):
            for language in ("id", "en", "en_one"):
                if language in entry:
                    assert gsm_septets(entry[language]) is not None, (key, language)
