"""The board's voice: announcements rendered by espeak-ng to real, audible, cached WAV files."""

from __future__ import annotations

import array
import io
import math
import shutil
import subprocess
import wave
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from satupintu.app import create_app
from shared.domain.announce import Spoken, announcement
from shared.domain.clock import ManualClock
from shared.domain.config import Announcement, Counter
from shared.domain.errors import Unavailable
from shared.operations.speech import PAUSE_SECONDS, REPEAT_PAUSE_SECONDS, VOICES, Speech
from tests.conftest import Auth
from tests.helpers import make_config

pytestmark = pytest.mark.external

ESPEAK = shutil.which("espeak-ng") or "/usr/bin/espeak-ng"
SENTENCE = Spoken("id", "Nomor antrean B tujuh belas, silakan menuju loket dua")


def loudness(data: bytes) -> tuple[float, float, int]:
    """Duration in seconds, RMS and peak of a mono 16-bit WAV."""
    with wave.open(io.BytesIO(data), "rb") as clip:
        assert (clip.getnchannels(), clip.getsampwidth()) == (1, 2)
        samples = array.array("h", clip.readframes(clip.getnframes()))
        duration = clip.getnframes() / clip.getframerate()
    rms = math.sqrt(sum(sample * sample for sample in samples) / len(samples))
    return duration, rms, max(abs(sample) for sample in samples)


def times_said(data: bytes, window: float = 0.05) -> int:
    """How many times a WAV says its words: stretches of sound parted by a silence of at least
    one second (longer than any pause inside a sentence or between its two languages)."""
    with wave.open(io.BytesIO(data), "rb") as clip:
        samples = array.array("h", clip.readframes(clip.getnframes()))
        step = int(clip.getframerate() * window)
    quiet = [
        math.sqrt(sum(sample * sample for sample in samples[start : start + step]) / step) < 200
        for start in range(0, len(samples) - step, step)
    ]
    said, silent = 0, None
    for is_quiet in quiet:
        if is_quiet:
            silent = (silent or 0) + 1
            continue
        if silent is None or silent * window >= 1.0:
            said += 1
        silent = 0
    return said


def counting_espeak(folder: Path) -> tuple[str, Path]:
    """A stand-in for espeak-ng that logs each run and then runs the real one."""
    log = folder / "runs.log"
    script = folder / "espeak-counting"
    script.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec {ESPEAK} "$@"\n')
    script.chmod(0o755)
    return str(script), log


def runs(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_an_announcement_becomes_a_spoken_wav_that_is_not_silent(tmp_path: Path) -> None:
    path = Speech(tmp_path / "speech").audio([SENTENCE])
    duration, rms, peak = loudness(path.read_bytes())
    assert 1.5 < duration < 10
    assert rms > 500
    assert peak > 5000
    stat = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True)
    assert float(stat.stderr.split("RMS     amplitude:")[1].split()[0]) > 0.01


def test_a_sentence_is_rendered_once_and_then_served_from_the_cache(tmp_path: Path) -> None:
    command, log = counting_espeak(tmp_path)
    speech = Speech(tmp_path / "speech", command=command)
    first = speech.audio([SENTENCE])
    again = speech.audio([SENTENCE])
    assert runs(log) == 1
    assert again == first
    assert loudness(again.read_bytes())[1] > 500
    other = speech.audio([Spoken("id", "Nomor antrean C satu, silakan menuju loket tiga")])
    assert runs(log) == 2
    assert other != first
    assert Speech(tmp_path / "speech", command=command).audio([SENTENCE]) == first
    assert runs(log) == 2, "a restarted server reuses the files on disk"


def test_an_english_sentence_follows_after_a_pause(tmp_path: Path) -> None:
    speech = Speech(tmp_path / "speech")
    alone = loudness(speech.audio([SENTENCE]).read_bytes())[0]
    english = Spoken("en", "Ticket number B seventeen, please proceed to loket two")
    both = loudness(speech.audio([SENTENCE, english]).read_bytes())[0]
    assert both > alone + PAUSE_SECONDS + 1


def test_a_call_is_said_as_often_as_asked_with_a_long_pause_between(tmp_path: Path) -> None:
    speech = Speech(tmp_path / "speech")
    english = Spoken("en", "Ticket number B seventeen, please proceed to counter two")
    assert times_said(speech.audio([SENTENCE]).read_bytes()) == 1
    assert times_said(speech.audio([SENTENCE], repeat=2).read_bytes()) == 2
    twice_in_two = speech.audio([SENTENCE, english], repeat=2).read_bytes()
    assert times_said(twice_in_two) == 2, "the pause between the languages is shorter"
    once = loudness(speech.audio([SENTENCE]).read_bytes())[0]
    thrice = loudness(speech.audio([SENTENCE], repeat=3).read_bytes())[0]
    assert thrice == pytest.approx(3 * once + 2 * REPEAT_PAUSE_SECONDS, abs=0.05)


def test_the_board_speaks_more_calmly_than_espeaks_own_pace(tmp_path: Path) -> None:
    plain = tmp_path / "plain.wav"
    subprocess.run(
        [ESPEAK, "-v", "id", "-w", str(plain)], input=SENTENCE.text, text=True, check=True
    )
    calm = loudness(Speech(tmp_path / "speech").audio([SENTENCE]).read_bytes())[0]
    assert calm > 1.15 * loudness(plain.read_bytes())[0]


def test_the_indonesian_voice_names_the_letters_the_indonesian_way() -> None:
    where = Counter(id="c", name="Loket 2", services=("s",))
    sentence = announcement("B-017", where.name, None, Announcement())

    def phonemes(voice: str, text: str) -> str:
        result = subprocess.run(
            [ESPEAK, "-v", voice, "-q", "-x"], input=text, capture_output=True, text=True
        )
        return result.stdout

    assert "b'e" in phonemes(VOICES["id"], sentence)
    assert "b'e" not in phonemes(VOICES["en"], sentence)  # English says "bee"
    spelled = phonemes(VOICES["id"], "Nomor antrean C satu. Nomor antrean D satu.")
    assert "tS'e" in spelled
    assert "d'e" in spelled


def test_without_espeak_the_audio_is_unavailable(tmp_path: Path) -> None:
    speech = Speech(tmp_path / "speech", command=str(tmp_path / "no-such-espeak"))
    with pytest.raises(Unavailable):
        speech.audio([SENTENCE])
    assert not list((tmp_path / "speech").glob("*.wav"))


def test_a_cache_that_cannot_be_written_makes_the_audio_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("")
    with pytest.raises(Unavailable):
        Speech(blocker / "speech").audio([SENTENCE])


# ---- over HTTP -------------------------------------------------------------------------------


def board_seqs(app: Flask, name: str) -> list[int]:
    with app.extensions["satupintu"].store.read() as db:
        rows = db.all("SELECT seq FROM events WHERE name = ? ORDER BY seq", [name])
    return [row["seq"] for row in rows]


def test_every_call_and_recall_has_its_audio_at_its_seq(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    client.post("/api/counters/loket-1/recall")
    called, recalled = board_seqs(app, "ticket.called") + board_seqs(app, "ticket.recalled")
    client.post("/api/logout")
    for seq in (called, recalled):
        response = client.get(f"/api/board/speech/{seq}")
        assert response.status_code == 200
        assert response.mimetype == "audio/wav"
        assert loudness(response.data)[1] > 500
    assert client.get(f"/api/board/speech/{recalled}").data == response.data


def test_only_calls_are_spoken_and_nothing_is_taken_from_the_request(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    (issued,) = board_seqs(app, "ticket.issued")
    (called,) = board_seqs(app, "ticket.called")
    for address in (f"/api/board/speech/{issued}", "/api/board/speech/999", "/api/board/speech/x"):
        response = client.get(address)
        assert response.status_code == 404
        assert response.json["error"]["code"] == "not_found"
    plain = client.get(f"/api/board/speech/{called}").data
    asked = client.get(f"/api/board/speech/{called}?text=Halo&announcement=Halo").data
    assert asked == plain


def test_a_server_without_a_voice_answers_503_unavailable(
    app: Flask, client: FlaskClient, auth: Auth, tmp_path: Path
) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    (called,) = board_seqs(app, "ticket.called")
    app.extensions["satupintu.speech"] = Speech(tmp_path / "x", command=str(tmp_path / "none"))
    response = client.get(f"/api/board/speech/{called}")
    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"


def test_the_served_announcement_says_the_call_announcement_repeat_times(
    tmp_path: Path, clock: ManualClock
) -> None:
    for repeat in (2, 3):
        app = create_app(
            make_config(tmp_path / str(repeat), announcement={"repeat": repeat}), clock=clock
        )
        client = app.test_client()
        Auth(app, client).login()
        client.post("/api/tickets", json={"service": "lapor"})
        client.post("/api/counters/loket-1/call-next")
        (called,) = board_seqs(app, "ticket.called")
        assert times_said(client.get(f"/api/board/speech/{called}").data) == repeat
        app.extensions["satupintu"].store.close()


def test_by_default_every_call_is_said_twice(app: Flask, client: FlaskClient, auth: Auth) -> None:
    auth.login()
    client.post("/api/tickets", json={"service": "lapor"})
    client.post("/api/counters/loket-1/call-next")
    (called,) = board_seqs(app, "ticket.called")
    assert times_said(client.get(f"/api/board/speech/{called}").data) == 2
