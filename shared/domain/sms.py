"""SMS rules with no I/O: a citizen's mobile number, what a message may hold, which one is due.

- Numbers: the Indonesian mobile formats people write (0812…, +62812…, 62812…, with spaces,
  dashes or dots) become one canonical form, `+62812…`; anything else (a landline, a foreign
  number, letters) is refused. Staff see a number only masked (`0812•••7890`).
- Text: one SMS is at most 160 characters of the GSM 7-bit alphabet (the extension table's
  characters count twice). `gsm_text` makes any text fit: letters are stripped of accents,
  other characters outside the alphabet become "?", and a long station name is shortened.
- Which message a ticket's state calls for (`due_kind`) and what a reply asks (`reply_command`).
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum

from shared.domain.errors import InvalidRequest

SMS_LIMIT = 160
MASK = "•••"

# GSM 03.38: the basic alphabet (one septet each) and the extension table (two: escape + char).
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = "^{}\\[~]|€\f"

_SEPARATORS = re.compile(r"[\s\-.()]")
# After the country code: 8, then 8 to 11 more digits (Indonesian mobile numbers are 10 to 13
# digits written with the leading 0).
_MOBILE = re.compile(r"^8\d{8,11}$")


class MessageKind(StrEnum):
    """The messages a ticket may get, each at most once (the outbox's key is ticket + kind)."""

    ALMOST = "almost"  # at most `phone.alert_ahead` ahead and a short wait
    CALLED = "called"  # its number and counter (a private service's neutral destination)
    NO_SHOW = "no_show"  # missed its call, with until when it can be put back
    # Told by the move itself, in its own transaction (`shared.application.sms_notices`):
    SUSPENDED = "suspended"  # its service suspended (once per suspension)
    RESUMED = "resumed"  # its service resumed (to those told of the suspension)
    CARRIED = "carried"  # carried over to its service's next open day
    BOOKING_CONFIRMED = "booking_confirmed"  # a booking's number was added: code, day, time
    BOOKING_REMINDER = "booking_reminder"  # `sms.booking_reminder_minutes` before the slot


class Reply(StrEnum):
    """What a citizen's reply asks; anything else gets the short help."""

    CANCEL = "BATAL"
    STATUS = "STATUS"
    POSTPONE = "TUNDA"
    HELP = "HELP"


def normalise_number(raw: object) -> str:
    """An Indonesian mobile number in its canonical form `+628…`, or InvalidRequest."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidRequest("error.sms.number_required")
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+62"):
        rest = digits[3:]
    elif digits.startswith("62"):
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        rest = ""
    if not _MOBILE.match(rest):
        raise InvalidRequest("error.sms.number")
    return f"+62{rest}"


def local_form(number: str) -> str:
    """`+62812…` as people write it at home: `0812…`."""
    return f"0{number.removeprefix('+62')}"


def mask(number: str) -> str:
    """What staff see of a canonical number: its first four and last four digits."""
    local = local_form(number)
    return f"{local[:4]}{MASK}{local[-4:]}"


def gsm_septets(text: str) -> int | None:
    """How many septets `text` takes in the GSM 7-bit alphabet; None if it cannot be written."""
    count = 0
    for char in text:
        if char in GSM_BASIC:
            count += 1
        elif char in GSM_EXTENDED:
            count += 2
        else:
            return None
    return count


def fits_one_sms(text: str) -> bool:
    """Whether `text` goes as one GSM 7-bit SMS (at most 160 septets)."""
    septets = gsm_septets(text)
    return septets is not None and septets <= SMS_LIMIT


def to_gsm(text: str) -> str:
    """The text in the GSM 7-bit alphabet: accents dropped, dashes and quotes made plain, any
    other character outside the alphabet written "?"."""
    plain = {
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2022": "*",
    }
    out = []
    for char in text:
        char = plain.get(char, char)
        if gsm_septets(char) is not None:
            out.append(char)
            continue
        base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        out.append(base if base and gsm_septets(base) is not None else "?")
    return "".join(out)


def fit_message(station: str, body: str) -> str:
    """`station: body` in one SMS: the station's name is shortened first, then the body."""
    station, body = to_gsm(station), to_gsm(body)
    text = f"{station}: {body}"
    if fits_one_sms(text):
        return text
    room = SMS_LIMIT - len(body) - 2
    if room >= 8:
        return f"{station[: room - 1].rstrip()}.: {body}"
    while not fits_one_sms(body):
        body = body[:-1]
    return body


def due_kind(status: str, almost_turn: bool) -> MessageKind | None:
    """The message a ticket's current state calls for (the outbox keeps each kind once)."""
    if status == "waiting" and almost_turn:
        return MessageKind.ALMOST
    if status == "called":
        return MessageKind.CALLED
    if status == "no_show":
        return MessageKind.NO_SHOW
    return None


def reply_command(text: str) -> Reply:
    """What a reply asks: its first word, in any case; anything else is HELP."""
    words = text.strip().split()
    first = words[0].upper().strip(".!?,") if words else ""
    try:
        return Reply(first)
    except ValueError:
        return Reply.HELP
