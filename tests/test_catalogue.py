"""One catalogue of user-facing text: every key in both languages, used, and none missing."""

from __future__ import annotations

import re
import string
from datetime import date
from pathlib import Path

from shared.domain.i18n import LANGUAGES, catalogue, pick_language, text
from shared.web.pages import local_date

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [
    path
    for folder in (
        "shared",
        "kiosk",
        "counter",
        "board",
        "admin",
        "printer",
        "satupintu",
        "central",
    )
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".py", ".html", ".js"} and "vendor" not in path.parts
]
KEY = re.compile(r"""["']((?:error|ui|voice)\.[a-z0-9_.]+)["']""")


def test_every_key_has_text_in_both_languages_with_the_same_fields() -> None:
    singular = {f"{lang}_one" for lang in LANGUAGES}
    for key, entry in catalogue().items():
        assert set(LANGUAGES) <= set(entry) <= set(LANGUAGES) | singular, key
        fields = {
            form: {name for _, name, _, _ in string.Formatter().parse(template) if name}
            for form, template in entry.items()
        }
        assert fields["id"] == fields["en"], f"{key}: the languages use different fields"
        for form in singular & set(entry):  # "recalled once" needs no {n}
            assert fields[form] | {"n"} == fields["en"] | {"n"}, f"{key}: {form} fields differ"


def test_every_key_the_code_uses_is_in_the_catalogue() -> None:
    used = {key for path in SOURCES for key in KEY.findall(path.read_text(encoding="utf-8"))}
    dynamic = {key for key in used if key.endswith(("_", "."))}  # prefixes of built keys
    missing = {key for key in used - dynamic if key not in catalogue()}
    assert not missing, f"keys missing from catalogue.yaml: {sorted(missing)}"


def test_every_catalogue_key_is_used() -> None:
    corpus = "\n".join(path.read_text(encoding="utf-8") for path in SOURCES)
    unused = [
        key
        for key in catalogue()
        if key not in corpus and not any(prefix in corpus for prefix in _dynamic_prefixes(key))
    ]
    assert not unused, f"unused catalogue keys: {unused}"


def _dynamic_prefixes(key: str) -> list[str]:
    """How code builds keys at run time: f"error.closed_{reason}" or `ui.state.${state}`."""
    prefixes = []
    for separator in ("_", "."):
        head, found, _ = key.rpartition(separator)
        if found:
            prefixes += [f"{head}{separator}{{", f"{head}{separator}${{"]
    return prefixes


def test_text_fills_in_fields_and_falls_back_to_indonesian() -> None:
    assert text("error.unknown_service", "en", service="x") == "Unknown service 'x'."
    assert text("error.unknown_service", "id", service="x") == "Layanan 'x' tidak dikenal."


def test_english_says_one_person_and_two_people() -> None:
    assert text("ui.kiosk.ahead_people", "en", n=1) == "1 person"
    assert text("ui.kiosk.ahead_people", "en", n=2) == "2 people"
    assert text("ui.kiosk.ahead_people", "id", n=1) == "1 orang"


def test_the_language_comes_from_accept_language_else_the_station() -> None:
    assert pick_language("en-US,en;q=0.9", "id") == "en"
    assert pick_language("fr-FR, id;q=0.5", "en") == "id"
    assert pick_language(None, "id") == "id"
    assert pick_language("de", "en") == "en"


TEMPLATES = [path for path in SOURCES if path.suffix == ".html"]
# Words a template may hold as they are, in every language: names and file formats.
SAME_IN_EVERY_LANGUAGE = {"Satu", "Pintu", "IKM", "JSON", "CSV", "XLSX"}
READ_ALOUD_ATTRIBUTES = re.compile(r'\s(?:alt|aria-label|title|placeholder)="([^"]*)"')


def _template_text(html: str) -> str:
    """What a template shows by itself: its text with tags, Jinja and scripts taken out."""
    for pattern in (
        r"\{#.*?#\}",
        r"\{% block body_class %\}.*?\{% endblock %\}",  # a CSS class, not text
        r"<(script|style)\b.*?</\1>",
        r"<!--.*?-->",
        r"\{\{.*?\}\}|\{%.*?%\}",
        r"<[^>]*>",
    ):
        html = re.sub(pattern, " ", html, flags=re.S)
    return html


def test_templates_show_no_words_of_their_own() -> None:
    """Every word a template shows (or has read aloud) comes from t(), in the page's language."""
    stray = {}
    for path in TEMPLATES:
        html = path.read_text(encoding="utf-8")
        spoken = " ".join(
            re.sub(r"\{\{.*?\}\}", " ", value) for value in READ_ALOUD_ATTRIBUTES.findall(html)
        )
        words = set(re.findall(r"[A-Za-z][A-Za-z'-]+", _template_text(html) + " " + spoken))
        if words - SAME_IN_EVERY_LANGUAGE:
            stray[path.relative_to(ROOT).as_posix()] = sorted(words - SAME_IN_EVERY_LANGUAGE)
    assert stray == {}


def test_the_template_check_finds_a_hard_coded_word() -> None:
    html = '<p>{{ t("ui.kiosk.title") }} Tutup</p><img alt="Logo {{ station.name }}">'
    assert set(re.findall(r"[A-Za-z]+", _template_text(html))) == {"Tutup"}
    assert READ_ALOUD_ATTRIBUTES.findall(html) == ["Logo {{ station.name }}"]


def test_dates_are_written_as_people_write_them() -> None:
    """As i18n.js writes them with Intl in the browser (tests/test_accessibility.py compares)."""
    wednesday = date(2026, 5, 20)
    assert local_date(wednesday, "id") == "20 Mei 2026"
    assert local_date("2026-05-20T09:00:00+08:00", "en") == "20 May 2026"
    assert local_date(wednesday, "id", weekday=True) == "Rabu, 20 Mei 2026"
    assert local_date(wednesday, "en", weekday=True) == "Wednesday, 20 May 2026"
