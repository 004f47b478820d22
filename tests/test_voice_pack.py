"""Voices the hall records: a pack of WAV clips (tones made by sox stand in for recordings) said
in order, espeak-ng only for what the pack lacks, and the voices page's list of what is missing."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.domain.announce import Spoken
from shared.domain.clock import ManualClock
from shared.operations.speech import (
    FORMAT,
    PAUSE_SECONDS,
    WORD_GAP_SECONDS,
    WORDS_PER_MINUTE,
    Speech,
)
from tests.conftest import Auth
from tests.helpers import make_config

pytestmark = pytest.mark.external

SENTENCE = Spoken("id", "Nomor antrean B tujuh belas, silakan menuju loket dua")
CLIPS = ["nomor-antrean", "b", "tujuh", "belas", "silakan-menuju", "loket-dua"]


def tone(path: Path, seconds: float, pitch: int, rate: int = 22050, channels: int = 1) -> None:
    """A clip standing in for a recording: a sine tone made by sox."""
    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", str(channels), "-b", "16", str(path),
         "synth", str(seconds), "sine", str(pitch), "vol", "0.5"],
        check=True,
    )  # fmt: skip


def frames(path: Path) -> bytes:
    with wave.open(str(path), "rb") as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == FORMAT
        return clip.readframes(clip.getnframes())


def samples(path: Path) -> int:
    """The file's length in samples, as sox reads it."""
    return int(subprocess.run(["soxi", "-s", str(path)], capture_output=True, text=True,
                              check=True).stdout)  # fmt: skip


def silence(seconds: float) -> bytes:
    channels, width, rate = FORMAT
    return bytes(int(rate * seconds) * width * channels)


def espeak(words: str, tmp_path: Path) -> bytes:
    target = tmp_path / "espeak.wav"
    subprocess.run(
        ["espeak-ng", "-v", "id", "-s", str(WORDS_PER_MINUTE), "-w", str(target)],
        input=words, text=True, check=True,
    )  # fmt: skip
    return frames(target)


def make_pack(folder: Path, names: list[str]) -> dict[str, bytes]:
    """A clip per name, each its own length and pitch, so order and identity show in the bytes."""
    for index, name in enumerate(names):
        tone(folder / f"{name}.wav", 0.2 + 0.03 * index, 300 + 60 * index)
    return {name: frames(folder / f"{name}.wav") for name in names}


def joined(*pieces: bytes | None) -> bytes:
    """Clips with a word's gap between them; None stands for a phrase break."""
    out, after_words = b"", False
    for piece in pieces:
        if piece is None:
            out, after_words = out + silence(PAUSE_SECONDS), False
            continue
        out += (silence(WORD_GAP_SECONDS) if after_words else b"") + piece
        after_words = True
    return out


def test_the_announcement_is_exactly_the_pack_s_clips_joined_in_order(tmp_path: Path) -> None:
    clip = make_pack(tmp_path / "pack", CLIPS)
    path = Speech(tmp_path / "cache", packs={"id": tmp_path / "pack"}).audio([SENTENCE])
    expected = joined(
        clip["nomor-antrean"], clip["b"], clip["tujuh"], clip["belas"], None,
        clip["silakan-menuju"], clip["loket-dua"],
    )  # fmt: skip
    assert frames(path) == expected
    assert samples(path) == len(expected) // 2


def test_a_missing_clip_is_said_by_espeak_in_its_place_never_as_silence(tmp_path: Path) -> None:
    clip = make_pack(tmp_path / "pack", [name for name in CLIPS if name != "belas"])
    path = Speech(tmp_path / "cache", packs={"id": tmp_path / "pack"}).audio([SENTENCE])
    spoken = espeak("belas", tmp_path)
    assert any(spoken), "espeak-ng said nothing"
    assert frames(path) == joined(
        clip["nomor-antrean"], clip["b"], clip["tujuh"], spoken, None,
        clip["silakan-menuju"], clip["loket-dua"],
    )  # fmt: skip


def test_a_clip_recorded_in_another_format_is_brought_to_the_pack_s(tmp_path: Path) -> None:
    make_pack(tmp_path / "pack", CLIPS)
    tone(tmp_path / "pack" / "tujuh.wav", 0.5, 500, rate=44100, channels=2)
    path = Speech(tmp_path / "cache", packs={"id": tmp_path / "pack"}).audio([SENTENCE])
    with_mono = Speech(tmp_path / "other", packs={"id": tmp_path / "pack"})
    tone(tmp_path / "pack" / "tujuh.wav", 0.5, 500)
    same_length = with_mono.audio([SENTENCE])
    assert abs(samples(path) - samples(same_length)) <= 2


def test_a_clip_recorded_anew_is_heard_at_the_next_call(tmp_path: Path) -> None:
    make_pack(tmp_path / "pack", CLIPS)
    speech = Speech(tmp_path / "cache", packs={"id": tmp_path / "pack"})
    before = frames(speech.audio([SENTENCE]))
    tone(tmp_path / "pack" / "tujuh.wav", 0.7, 900)
    after = frames(speech.audio([SENTENCE]))
    assert after != before
    assert frames(tmp_path / "pack" / "tujuh.wav") in after


def test_a_language_without_a_pack_is_spoken_whole_by_espeak(tmp_path: Path) -> None:
    make_pack(tmp_path / "pack", CLIPS)
    english = Spoken("en", "Ticket number B seventeen")
    path = Speech(tmp_path / "cache", packs={"id": tmp_path / "pack"}).audio([english])
    plain = Speech(tmp_path / "plain").audio([english])
    assert frames(path) == frames(plain)


# ---- the board and the voices page --------------------------------------------------------


def station_with_pack(tmp_path: Path, clock: ManualClock) -> FlaskClient:
    config = make_config(tmp_path, announcement={"repeat": 1, "voice_packs": {"id": "voices/id"}})
    app = create_app(config, clock=clock)
    return app.test_client()


def test_the_board_says_a_call_from_the_station_s_pack(tmp_path: Path, clock: ManualClock) -> None:
    names = ["nomor-antrean", "a", "satu", "silakan-menuju", "loket-satu"]
    clip = make_pack(tmp_path / "voices" / "id", names)
    client = station_with_pack(tmp_path, clock)
    Auth(client.application, client).login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    with client.application.extensions["satupintu"].store.read() as db:
        (seq,) = [
            row["seq"] for row in db.all("SELECT seq FROM events WHERE name = 'ticket.called'")
        ]
    audio = client.get(f"/api/board/speech/{seq}")
    assert audio.status_code == 200
    (tmp_path / "call.wav").write_bytes(audio.data)
    assert frames(tmp_path / "call.wav") == joined(
        clip["nomor-antrean"], clip["a"], clip["satu"], None, clip["silakan-menuju"],
        clip["loket-satu"],
    )  # fmt: skip


def test_the_voices_page_lists_what_the_pack_still_lacks(
    tmp_path: Path, clock: ManualClock
) -> None:
    make_pack(tmp_path / "voices" / "id", ["nomor-antrean", "silakan-menuju", "a", "satu"])
    client = station_with_pack(tmp_path, clock)
    auth = Auth(client.application, client)
    auth.login()
    assert client.get("/api/admin/voices").status_code == 403  # an officer
    auth.login("sri", "supervisor")
    (pack,) = client.get("/api/admin/voices").json["packs"]
    assert (pack["language"], pack["folder"], pack["found"], pack["clips"]) == (
        "id",
        "voices/id",
        True,
        4,
    )
    recorded = {phrase["clip"]: phrase["recorded"] for phrase in pack["phrases"]}
    assert recorded["nomor-antrean"] and recorded["a"] and recorded["satu"]
    assert not recorded["b"] and not recorded["loket-dua"] and not recorded["belas"]
    assert pack["missing"] == sum(not value for value in recorded.values())
    page = client.get("/admin/voices?counter=loket-2").get_data(as_text=True)
    assert 'data-missing-clip="loket-dua"' in page
    assert 'data-missing-clip="nomor-antrean"' not in page
    assert "Paket suara: Bahasa Indonesia" in page
    assert "/api/admin/voices/sample?counter=loket-2" in page
    sample = client.get("/api/admin/voices/sample?counter=loket-2")
    assert (sample.status_code, sample.mimetype) == (200, "audio/wav")
    refused = client.get("/api/admin/voices/sample?counter=nowhere")
    assert refused.status_code == 404
    assert refused.json["error"]["code"] == "not_found"
