"""The kiosk's spoken menu for a citizen who cannot see the screen: what it says at each step,
and which key chooses what.

A numeric keypad (or a tactile audio keypad with a headphone jack, which presents itself as a
keyboard) drives it: a digit chooses, Enter takes the number, 0 goes back or says it again, 9
switches the language. The menu lists the public services and, as one entry, the private ones
(their names are said only once that entry is chosen, as the screen shows them); more entries
than keys go on pages, 8 saying "more". Every text is the catalogue's, with digits and numbers
said in words, so the same words are shown on the screen and heard.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from shared.domain.announce import Spoken, number_words, spoken_number
from shared.domain.config import Config, Service
from shared.domain.i18n import other_language, text

PRIVATE = "private"  # the menu entry in front of every private service
MORE = "more"  # the key to the menu's next page
KEYS_PER_PAGE = 8
BACK_KEY, LANGUAGE_KEY = "0", "9"  # 9 is never a service: a page holds at most 8


class Prompt(NamedTuple):
    """What the kiosk says, each sentence in its language (the way to switch languages is said
    in the other one), and the service (or PRIVATE, or MORE) each key chooses while it is said."""

    parts: tuple[Spoken, ...]
    keys: dict[str, str]

    @property
    def text(self) -> str:
        return " ".join(part.text for part in self.parts)


def _said(language: str, *lines: str, keys: dict[str, str] | None = None) -> Prompt:
    return Prompt((Spoken(language, " ".join(lines)),), keys or {})


# Signs in services' names said as words ("Laporan & Pengaduan" -> "Laporan dan Pengaduan").
SIGNS = {"id": {" & ": " dan ", " / ": " atau "}, "en": {" & ": " and ", " / ": " or "}}


def _key_words(key: str, language: str) -> str:
    return number_words(int(key), language)


def _name(name: str, language: str) -> str:
    """A service's name as it is said."""
    for sign, words in SIGNS[language].items():
        name = name.replace(sign, words)
    return name


def menu(config: Config, language: str, page: int = 0, private: bool = False) -> Prompt:
    """The menu (or the private services' list): a key per entry, then how to hear it again and
    how to switch the language."""
    if private:
        entries: list[tuple[str, str]] = [
            (service.id, _name(service.name.get(language), language))
            for service in config.services
            if service.private
        ]
    else:
        entries = [
            (service.id, _name(service.name.get(language), language))
            for service in config.services
            if not service.private
        ]
        if any(service.private for service in config.services):
            private_name = _name(text("ui.common.private_services", language), language)
            entries.append((PRIVATE, private_name))
    shown, more = _page(entries, page)
    keys = {str(index): choice for index, (choice, _) in enumerate(shown, start=1)}
    lines = [text("ui.voice_menu.private" if private else "ui.voice_menu.welcome", language)]
    lines += [
        text("ui.voice_menu.item", language, digit=_key_words(key, language), service=name)
        for key, (_, name) in zip(keys, shown, strict=True)
    ]
    if more:
        keys[str(KEYS_PER_PAGE)] = MORE
        lines.append(text("ui.voice_menu.more", language))
    lines.append(text("ui.voice_menu.back" if private or page else "ui.voice_menu.again", language))
    switch = Spoken(other_language(language), text("ui.voice_menu.language", language))
    return Prompt((*_said(language, *lines).parts, switch), keys)


def _page(entries: Sequence[tuple[str, str]], page: int) -> tuple[list[tuple[str, str]], bool]:
    """The entries of a menu page: 8 when they are all, else 7 and "more" on key 8."""
    if len(entries) <= KEYS_PER_PAGE:
        return list(entries), False
    size = KEYS_PER_PAGE - 1
    start = page * size
    return list(entries[start : start + size]), start + size < len(entries)


def chosen(service: Service, language: str, *, open_now: bool, typed_number: bool) -> Prompt:
    """A service chosen: Enter takes a number, 1 a priority number, 0 goes back; a service that
    takes no number now, or wants a registration number typed, says so. A private service is
    said by the private entry's words: whoever stands near the kiosk hears no choice named."""
    said = text("ui.common.private_services", language) if service.private else None
    name = _name(said or service.name.get(language), language)
    if not open_now:
        return _said(language, text("ui.voice_menu.closed", language, service=name))
    if typed_number:
        return _said(language, text("ui.voice_menu.needs_officer", language, service=name))
    keys = {"Enter": "take", "1": "priority"}
    return _said(language, text("ui.voice_menu.chosen", language, service=name), keys=keys)


def issued(number: str, ahead: int, printed: bool, language: str) -> Prompt:
    """The number taken, said in words, how many are ahead, and where the ticket is (or that it
    did not print)."""
    words = spoken_number(number, language)
    parts = [text("ui.voice_menu.issued", language, number=words)]
    if ahead:
        parts.append(
            text("ui.voice_menu.ahead", language, n=ahead, count=number_words(ahead, language))
        )
    else:
        parts.append(text("ui.voice_menu.ahead_none", language))
    parts.append(
        text("ui.voice_menu.printed" if printed else "ui.voice_menu.not_printed", language)
    )
    return _said(language, *parts)
