"""Saying a call from the hall's recorded clips: which clips, in which order, and what espeak-ng
must still say (pure rules, no audio)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.domain.announce import call_parts
from shared.domain.config import ConfigError
from shared.domain.voice_script import Clip, Fallback, Pause, missing, script, slug, wanted
from tests.helpers import make_config

SENTENCE = "Nomor antrean B tujuh belas, silakan menuju loket dua"
FULL_PACK = {"nomor-antrean", "b", "tujuh", "belas", "silakan-menuju", "loket-dua"}


def test_a_phrase_s_clip_is_named_by_its_words_in_lower_case() -> None:
    assert slug(["Nomor", "antrean"]) == "nomor-antrean"
    assert slug(["Loket", "2"]) == "loket-2"


def test_a_complete_pack_says_the_call_from_clips_alone_in_order() -> None:
    assert script(SENTENCE, FULL_PACK) == [
        Clip("nomor-antrean"),
        Clip("b"),
        Clip("tujuh"),
        Clip("belas"),
        Pause(),
        Clip("silakan-menuju"),
        Clip("loket-dua"),
    ]


def test_the_longest_recorded_phrase_wins_over_its_words() -> None:
    clips = {"nomor", "antrean", "nomor-antrean", "loket", "dua"}
    steps = script("Nomor antrean, loket dua", clips)
    assert steps == [Clip("nomor-antrean"), Pause(), Clip("loket"), Clip("dua")]


def test_words_the_pack_lacks_are_left_to_espeak_together_in_their_place() -> None:
    clips = FULL_PACK - {"tujuh", "belas"}
    steps = script(SENTENCE, clips)
    assert steps[:3] == [Clip("nomor-antrean"), Clip("b"), Fallback("tujuh belas")]
    assert missing(SENTENCE, clips) == ["tujuh belas"]
    assert missing(SENTENCE, FULL_PACK) == []


def test_no_clip_spans_a_comma() -> None:
    assert script("satu, dua", {"satu-dua"}) == [Fallback("satu"), Pause(), Fallback("dua")]


def test_without_clips_the_whole_sentence_is_one_fallback_per_phrase() -> None:
    assert script(SENTENCE, set()) == [
        Fallback("Nomor antrean B tujuh belas"),
        Pause(),
        Fallback("silakan menuju loket dua"),
    ]


def test_a_complete_pack_holds_the_template_letters_number_words_and_counters() -> None:
    found = {item.clip: item.kind for item in wanted(
        "Nomor antrean {number}, silakan menuju {counter}", ["A", "BC"], ["loket satu"], "id"
    )}  # fmt: skip
    assert found["nomor-antrean"] == "template"
    assert found["silakan-menuju"] == "template"
    assert {clip for clip, kind in found.items() if kind == "letter"} == {"a", "b", "c"}
    numbers = {clip for clip, kind in found.items() if kind == "number"}
    assert {"satu", "sebelas", "belas", "puluh", "seratus", "ratus", "sembilan"} <= numbers
    assert found["loket-satu"] == "counter"
    # every number up to 999 is said from these words alone
    assert missing("sembilan ratus sembilan puluh sembilan", numbers) == []


def test_english_numbers_come_in_english_words_and_a_local_language_in_indonesian() -> None:
    english = {item.clip for item in wanted("Ticket {number}", [], [], "en")}
    assert {"seventeen", "twenty", "hundred"} <= english
    local = {item.clip for item in wanted("Nomor {number} nem {counter}", [], [], "aoz")}
    assert {"nomor", "nem", "tujuh", "belas"} <= local


def test_a_local_language_sentence_follows_the_indonesian_and_english_ones(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        announcement={
            "english": True,
            "local": {"language": "aoz", "name": "Uab Meto", "template": "{number} nem {counter}"},
        },
    )
    parts = call_parts("B-017", config.counter_by_id["loket-2"], config)
    assert [part.language for part in parts] == ["id", "en", "aoz"]
    assert parts[2].text == "B tujuh belas nem loket dua"


@pytest.mark.parametrize(
    ("announcement", "fault"),
    [
        ({"voice_packs": {"fr": "voices/fr"}}, "voice_packs: fr is not a language"),
        ({"local": {"language": "aoz", "name": "Uab Meto", "template": "{who}"}}, "{number}"),
        ({"local": {"language": "Uab Meto!", "name": "x", "template": "{number}"}}, "language"),
    ],
)
def test_voice_pack_settings_that_cannot_work_are_refused(
    tmp_path: Path, announcement: dict[str, object], fault: str
) -> None:
    with pytest.raises(ConfigError, match="announcement") as refused:
        make_config(tmp_path, announcement=announcement)
    assert fault in str(refused.value)


def test_a_pack_for_the_local_language_is_accepted(tmp_path: Path) -> None:
    config = make_config(
        tmp_path,
        announcement={
            "local": {"language": "aoz", "name": "Uab Meto", "template": "{number} {counter}"},
            "voice_packs": {"id": "voices/id", "aoz": "voices/aoz"},
        },
    )
    assert config.announcement.voice_packs == {"id": "voices/id", "aoz": "voices/aoz"}
