"""The sentence the board speaks for a call, in Indonesian (and optionally English) words."""

from __future__ import annotations

import re
from typing import NamedTuple

from num2words import num2words

from shared.config import Announcement, Counter

_NUMBER = re.compile(r"^([A-Z]{1,2})-(\d+)$")
_DIGITS = re.compile(r"\d+")


class Spoken(NamedTuple):
    """One sentence of an announcement and the language a voice should speak it in."""

    language: str
    text: str


def number_words(value: int, language: str = "id") -> str:
    """An integer in words: 123 -> "seratus dua puluh tiga"."""
    return num2words(value, lang=language)


def spoken_number(number: str, language: str = "id") -> str:
    """A ticket number as written in the announcement: "B-017" -> "B tujuh belas"."""
    match = _NUMBER.match(number)
    if not match:
        raise ValueError(f"not a ticket number: {number!r}")
    prefix, digits = match.groups()
    return f"{' '.join(prefix)} {number_words(int(digits), language)}"


def spoken_counter(counter: Counter, language: str = "id") -> str:
    """The counter as spoken: config `spoken`, else its name with digits in words, lower case."""
    if counter.spoken:
        return counter.spoken
    words = _DIGITS.sub(lambda match: number_words(int(match.group()), language), counter.name)
    return words.lower()


def announcement_parts(number: str, counter: Counter, config: Announcement) -> list[Spoken]:
    """The call's sentences with their languages: Indonesian first, then English if configured.

    A voice speaks each part in its own language; the ticket's letters stay capitals, which
    the Indonesian voice names the Indonesian way ("B" is "be", "C" is "ce").
    """
    parts = [
        Spoken(
            "id",
            config.template.format(number=spoken_number(number), counter=spoken_counter(counter)),
        )
    ]
    if config.english:
        english = config.english_template.format(
            number=spoken_number(number, "en"), counter=spoken_counter(counter, "en")
        )
        parts.append(Spoken("en", english))
    return parts


def announcement(number: str, counter: Counter, config: Announcement) -> str:
    """The call's sentence: "Nomor antrian B tujuh belas, silakan menuju loket dua"."""
    return ". ".join(part.text for part in announcement_parts(number, counter, config))
