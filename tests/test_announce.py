"""The board's spoken sentence: Indonesian words for numbers and counters."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.announce import (
    announcement,
    announcement_parts,
    call_parts,
    call_sentence,
    number_words,
    spoken_counter,
)
from shared.domain.config import Announcement, Counter, load_config
from tests.helpers import make_config


def counter(name: str, spoken: str | None = None, english: str | None = None) -> Counter:
    return Counter(id="c", name={"id": name, "en": english or name}, services=("s",), spoken=spoken)


def said(number: str, where: Counter, config: Announcement) -> str:
    return announcement(number, where.name, where.spoken, config)


def spoken(where: Counter, language: str = "id") -> str:
    return spoken_counter(where.name, where.spoken, language)


def test_the_contract_example_sentence() -> None:
    sentence = said("B-017", counter("Loket 2"), Announcement())
    assert sentence == "Nomor antrean B tujuh belas, silakan menuju loket dua"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (17, "tujuh belas"),
        (100, "seratus"),
        (123, "seratus dua puluh tiga"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_numbers_are_spoken_in_indonesian_words(value: int, words: str) -> None:
    assert number_words(value) == words


def test_counter_names_come_from_config_or_from_their_digits() -> None:
    assert spoken(counter("Loket 12")) == "loket dua belas"
    assert spoken(counter("Ruang Propam", spoken="ruang propam")) == "ruang propam"


def test_an_english_sentence_can_follow_the_indonesian_one() -> None:
    sentence = said("A-005", counter("Loket 1"), Announcement(english=True))
    assert sentence.startswith("Nomor antrean A lima, silakan menuju loket satu. ")
    assert sentence.endswith("Ticket number A five, please proceed to loket one")


# An independent spelling of Indonesian numbers 1-999, to check num2words against.
UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]


def indonesian(value: int) -> str:
    hundreds, rest = divmod(value, 100)
    words = []
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{UNITS[hundreds]} ratus")
    tens, units = divmod(rest, 10)
    if rest == 10:
        words.append("sepuluh")
    elif rest == 11:
        words.append("sebelas")
    elif tens == 1:
        words.append(f"{UNITS[units]} belas")
    else:
        if tens:
            words.append(f"{UNITS[tens]} puluh")
        if units:
            words.append(UNITS[units])
    return " ".join(words)


BUNDLED = Path(__file__).resolve().parents[1] / "config.yaml"


def bundled_counters() -> list[Counter]:
    """The counters of the config.yaml shipped with Satu Pintu."""
    return list(load_config(BUNDLED).counters)


def test_every_number_and_every_counter_makes_the_expected_sentence() -> None:
    counters = bundled_counters() + [counter(f"Loket {n}") for n in (7, 10, 11, 12, 20, 21)]
    for each in counters:
        words = spoken(each)
        for value in range(1, 1000):
            sentence = said(f"B-{value:03d}", each, Announcement())
            assert sentence == f"Nomor antrean B {indonesian(value)}, silakan menuju {words}"


@pytest.mark.parametrize(
    ("number", "name", "said_number", "said_counter"),
    [
        ("A-001", "Loket 1", "A satu", "loket satu"),
        ("B-011", "Loket 2", "B sebelas", "loket dua"),
        ("C-010", "Loket 3", "C sepuluh", "loket tiga"),
        ("D-100", "Loket 10", "D seratus", "loket sepuluh"),
        ("E-101", "Loket 11", "E seratus satu", "loket sebelas"),
        ("F-111", "Loket 12", "F seratus sebelas", "loket dua belas"),
        ("G-215", "Loket 21", "G dua ratus lima belas", "loket dua puluh satu"),
        ("H-999", "Loket 6", "H sembilan ratus sembilan puluh sembilan", "loket enam"),
        ("AB-040", "Loket 4", "A B empat puluh", "loket empat"),
    ],
)
def test_sample_sentences_read_as_an_indonesian_speaker_says_them(
    number: str, name: str, said_number: str, said_counter: str
) -> None:
    expected = f"Nomor antrean {said_number}, silakan menuju {said_counter}"
    assert said(number, counter(name), Announcement()) == expected


def test_bundled_counters_are_called_by_number_and_private_rooms_neutrally() -> None:
    config = load_config(BUNDLED)
    heard = [call_sentence("A-001", each, config).split("menuju ")[1] for each in config.counters]
    loket = [f"loket {word}" for word in ("satu", "dua", "tiga", "empat", "lima")]
    rooms = ["ruang layanan khusus satu", "ruang layanan khusus dua"]  # PPA's, then Propam's
    assert heard == loket + rooms


def test_a_configured_template_shapes_the_sentence() -> None:
    template = Announcement(template="Panggilan untuk nomor {number} di {counter}")
    sentence = said("C-023", counter("Meja Lantas", spoken="meja lantas"), template)
    assert sentence == "Panggilan untuk nomor C dua puluh tiga di meja lantas"


def test_the_parts_carry_their_language_for_the_voice() -> None:
    where = counter("Loket 1", english="Counter 1")
    parts = announcement_parts("A-005", where.name, None, Announcement(english=True))
    assert [part.language for part in parts] == ["id", "en"]
    assert parts[1].text == "Ticket number A five, please proceed to counter one"
    assert ". ".join(part.text for part in parts) == said(
        "A-005", where, Announcement(english=True)
    )


def test_a_counter_serving_only_private_services_is_called_as_the_neutral_room(
    tmp_path: Path,
) -> None:
    config = make_config(tmp_path)
    propam = config.counter_by_id["loket-4"]  # serves only the private service propam
    assert call_sentence("R-003", propam, config) == (
        "Nomor antrean R tiga, silakan menuju ruang layanan khusus"
    )
    english = make_config(tmp_path, announcement={"english": True})
    assert call_parts("R-003", propam, english)[1].text.endswith("proceed to private service room")
    lapor = config.counter_by_id["loket-1"]
    assert call_sentence("A-001", lapor, config).endswith("menuju loket satu")
