"""How an announcement is said from a hall's recorded clips: which clips, in which order, and
what espeak-ng must say because the voice pack lacks it.

A voice pack is a folder of WAV clips, one per word or phrase, named by the phrase's `slug`
("nomor antrean" -> `nomor-antrean.wav`, the letter "B" -> `b.wav`, "tujuh" -> `tujuh.wav`,
"loket dua" -> `loket-dua.wav`). A sentence is said by taking, at each word, the longest phrase
(up to `MAX_PHRASE_WORDS` words) the pack has a clip for; the words it has none for are said by
espeak-ng, together, in their place. Punctuation parts phrases: no clip spans a comma. A local
language's pack (Uab Meto, Kupang Malay phrasing) names its clips the same way, after the words
its sentence is written in; numbers are written in Indonesian words, so the clip `tujuh.wav` of
such a pack holds the local word for seven.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from typing import NamedTuple

from shared.domain.announce import number_words

MAX_PHRASE_WORDS = 4
# The highest number whose words a complete pack holds: more than a hall issues in a day.
HIGHEST_NUMBER = 999
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_PHRASE_BREAK = re.compile(r"[,.;:!?]")
_FIELD = re.compile(r"\{(number|counter)\}")


class Clip(NamedTuple):
    """A recorded clip of the pack, by its slug."""

    slug: str


class Fallback(NamedTuple):
    """Words the pack has no clip for, said by espeak-ng."""

    text: str


class Pause(NamedTuple):
    """A phrase break (a comma, a full stop) between clips."""


Step = Clip | Fallback | Pause


def slug(words: Iterable[str]) -> str:
    """A phrase's clip name: its words in lower case joined by hyphens ("Loket 2" ->
    "loket-2")."""
    return "-".join(word.lower() for word in words)


def phrases(text: str) -> list[list[str]]:
    """A sentence's phrases (parted by punctuation), each its list of words."""
    found = [_WORD.findall(part) for part in _PHRASE_BREAK.split(text)]
    return [words for words in found if words]


def script(text: str, clips: Set[str]) -> list[Step]:
    """How to say `text` with the pack's `clips` (their slugs): the longest known phrase at each
    word, unknown words gathered into one espeak-ng fallback each run, a pause between phrases."""
    steps: list[Step] = []
    for index, words in enumerate(phrases(text)):
        if index:
            steps.append(Pause())
        unknown: list[str] = []
        at = 0
        while at < len(words):
            length = next(
                (
                    size
                    for size in range(min(MAX_PHRASE_WORDS, len(words) - at), 0, -1)
                    if slug(words[at : at + size]) in clips
                ),
                0,
            )
            if length == 0:
                unknown.append(words[at])
                at += 1
                continue
            if unknown:
                steps.append(Fallback(" ".join(unknown)))
                unknown = []
            steps.append(Clip(slug(words[at : at + length])))
            at += length
        if unknown:
            steps.append(Fallback(" ".join(unknown)))
    return steps


def missing(text: str, clips: Set[str]) -> list[str]:
    """The words of `text` the pack would leave to espeak-ng."""
    return [step.text for step in script(text, clips) if isinstance(step, Fallback)]


class Wanted(NamedTuple):
    """A phrase a complete pack says from clips, the clip to record for it, and what it is."""

    phrase: str
    clip: str
    kind: str  # "template", "letter", "number" or "counter"


def wanted(
    template: str, prefixes: Iterable[str], counters: Iterable[str], language: str
) -> list[Wanted]:
    """Every phrase a pack for `template` must hold: the template's own words between its
    fields, each prefix letter, each word of the numbers up to HIGHEST_NUMBER (in `language`'s
    words, Indonesian for a local language) and each counter as it is spoken."""
    numbers_in = language if language in ("id", "en") else "id"
    found: list[Wanted] = []
    for part in _FIELD.split(template)[::2]:
        found += [Wanted(" ".join(words), slug(words), "template") for words in phrases(part)]
    letters = sorted({letter for prefix in prefixes for letter in prefix})
    found += [Wanted(letter, slug([letter]), "letter") for letter in letters]
    number_words_needed: dict[str, None] = {}
    for value in range(1, HIGHEST_NUMBER + 1):
        for words in phrases(number_words(value, numbers_in)):
            number_words_needed.update(dict.fromkeys(words))
    found += [Wanted(word, slug([word]), "number") for word in number_words_needed]
    for spoken in dict.fromkeys(counters):
        found += [Wanted(" ".join(words), slug(words), "counter") for words in phrases(spoken)]
    return list({item.clip: item for item in found}.values())
