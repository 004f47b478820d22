"""The board's spoken sentence: Indonesian words for numbers and counters."""

from __future__ import annotations

import pytest

from shared.announce import announcement, number_words, spoken_counter, spoken_number
from shared.config import Announcement, Counter


def counter(name: str, spoken: str | None = None) -> Counter:
    return Counter(id="c", name=name, services=("s",), spoken=spoken)


def test_the_contract_example_sentence() -> None:
    sentence = announcement("B-017", counter("Loket 2"), Announcement())
    assert sentence == "Nomor antrian B tujuh belas, silakan menuju loket dua"


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


def test_every_number_from_1_to_999_has_words_and_drops_leading_zeros() -> None:
    for value in range(1, 1000):
        spoken = spoken_number(f"A-{value:03d}")
        assert spoken.startswith("A ")
        assert not any(character.isdigit() for character in spoken)
    assert spoken_number("A-007") == "A tujuh"


def test_counter_names_come_from_config_or_from_their_digits() -> None:
    assert spoken_counter(counter("Loket 12")) == "loket dua belas"
    assert spoken_counter(counter("Ruang Propam", spoken="ruang propam")) == "ruang propam"


def test_an_english_sentence_can_follow_the_indonesian_one() -> None:
    sentence = announcement("A-005", counter("Loket 1"), Announcement(english=True))
    assert sentence.startswith("Nomor antrian A lima, silakan menuju loket satu. ")
    assert sentence.endswith("Ticket number A five, please proceed to loket one")
