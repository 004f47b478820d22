"""The sentence the board speaks for a call, in Indonesian (and optionally English) words."""

from __future__ import annotations

import re
from typing import NamedTuple

from shared.domain.config import Announcement, Config, Counter, LocalText

_NUMBER = re.compile(r"^([A-Z]{1,2})-(\d+)$")
_DIGITS = re.compile(r"\d+")


class Spoken(NamedTuple):
    """One sentence of an announcement and the language a voice should speak it in."""

    language: str
    text: str


def number_words(value: int, language: str = "id") -> str:
    """An integer in words: 123 -> "seratus dua puluh tiga"."""
    from num2words import num2words  # its 60 languages load with the first call spoken

    return num2words(value, lang=language)


def spoken_number(number: str, language: str = "id") -> str:
    """A ticket number as written in the announcement: "B-017" -> "B tujuh belas"."""
    match = _NUMBER.match(number)
    if not match:
        raise ValueError(f"not a ticket number: {number!r}")
    prefix, digits = match.groups()
    return f"{' '.join(prefix)} {number_words(int(digits), language)}"


def spoken_counter(name: LocalText, spoken: str | None, language: str = "id") -> str:
    """Where to go, as spoken: config `spoken`, else the name with digits in words, lower case.

    `name` is how the hall sees the counter (a private service's room has a neutral name).
    """
    if spoken and language == "id":
        return spoken
    written = name.get(language)
    words = _DIGITS.sub(lambda match: number_words(int(match.group()), language), written)
    return words.lower()


def announcement_parts(
    number: str, name: LocalText, spoken: str | None, config: Announcement
) -> list[Spoken]:
    """The call's sentences with their languages: Indonesian first, then English and the local
    language if configured (the local sentence says the number and the counter in Indonesian
    words, which its voice pack says in the local language).

    A voice speaks each part in its own language; the ticket's letters stay capitals, which
    the Indonesian voice names the Indonesian way ("B" is "be", "C" is "ce").
    """
    parts = [
        Spoken(
            "id",
            config.template.format(
                number=spoken_number(number), counter=spoken_counter(name, spoken)
            ),
        )
    ]
    if config.english:
        english = config.english_template.format(
            number=spoken_number(number, "en"), counter=spoken_counter(name, spoken, "en")
        )
        parts.append(Spoken("en", english))
    if config.local:
        local = config.local.template.format(
            number=spoken_number(number), counter=spoken_counter(name, spoken)
        )
        parts.append(Spoken(config.local.language, local))
    return parts


def announcement(number: str, name: LocalText, spoken: str | None, config: Announcement) -> str:
    """The call's sentence: "Nomor antrean B tujuh belas, silakan menuju loket dua"."""
    return ". ".join(part.text for part in announcement_parts(number, name, spoken, config))


def call_parts(number: str, counter: Counter, config: Config) -> list[Spoken]:
    """What the hall hears for a call to a counter: a counter that serves only private
    services is spoken as the neutral room, never by its name or its `spoken` words."""
    private = config.serves_only_private(counter)
    spoken = None if private else counter.spoken
    return announcement_parts(number, config.shown_name(counter), spoken, config.announcement)


def call_sentence(number: str, counter: Counter, config: Config) -> str:
    """The sentence of a call, as the board shows it to screen readers and logs it."""
    return ". ".join(part.text for part in call_parts(number, counter, config))
