"""A call's audio is ready before the call: the next numbers' sentences are rendered in the
background once a board plays sound, and the call's audio is then served from the cache."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from shared.application.board_view import upcoming_calls
from shared.operations.speech import Speech
from shared.operations.speech_ahead import SpeechAhead
from tests.conftest import Auth
from tests.test_board_speech import board_seqs, counting_espeak, loudness, runs

WAIT_SECONDS = 60  # two busy cores: the background renders may take a while


def issue(client: FlaskClient, service: str) -> str:
    response = client.post("/api/tickets", json={"service": service})
    assert response.status_code == 201, response.json
    return response.json["ticket"]["number"]


def test_the_next_calls_are_each_waiting_number_at_each_open_counter_nearest_first(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    for service in ("lapor", "lapor", "lapor", "lantas"):
        issue(client, service)
    auth.login()
    assert client.post("/api/counters/loket-2/state", json={"state": "closed"}).status_code == 200
    station = app.extensions["satupintu"]
    found = [(number, counter.id) for number, counter in upcoming_calls(station, 2)]
    # Loket 2 is closed: it calls nobody. The third "lapor" waits beyond the two looked at.
    assert found == [("A-001", "loket-1"), ("C-001", "loket-3"), ("A-002", "loket-1")]


def test_nothing_is_rendered_ahead_until_a_board_plays_sound(
    app: Flask, client: FlaskClient, auth: Auth, tmp_path: Path
) -> None:
    command, log = counting_espeak(tmp_path)
    speech = use_speech(app, Speech(tmp_path / "speech", command=command))
    auth.login()
    issue(client, "lapor")
    client.post("/api/counters/loket-1/call-next")
    assert not app.extensions["satupintu.speech_ahead"].wanted
    assert runs(log) == 0
    assert not list(speech.cache_dir.glob("*.wav"))


@pytest.mark.external
def test_the_audio_of_the_next_call_is_on_disk_before_it_is_called(
    app: Flask, client: FlaskClient, auth: Auth, tmp_path: Path
) -> None:
    command, log = counting_espeak(tmp_path)
    use_speech(app, Speech(tmp_path / "speech", command=command))
    auth.login()
    for _ in range(3):
        issue(client, "lapor")
    client.post("/api/counters/loket-1/call-next")
    (first,) = board_seqs(app, "ticket.called")
    assert client.get(f"/api/board/speech/{first}").status_code == 200  # a board plays sound
    wait_until_rendered(app.extensions["satupintu.speech_ahead"])
    before = runs(log)
    assert before > 1  # the first call's own audio, and the next ones' ahead

    assert client.post("/api/counters/loket-2/call-next").json["ticket"]["number"] == "A-002"
    second = board_seqs(app, "ticket.called")[-1]
    response = client.get(f"/api/board/speech/{second}")
    assert response.status_code == 200
    assert loudness(response.data)[1] > 500
    assert runs(log) == before  # served from the cache: espeak-ng did not run for the call


def use_speech(app: Flask, speech: Speech) -> Speech:
    """Give the app (and what renders ahead for it) another voice."""
    app.extensions["satupintu.speech"] = speech
    app.extensions["satupintu.speech_ahead"].speech = speech.in_background()
    return speech


def wait_until_rendered(ahead: SpeechAhead) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while ahead.busy:
        assert time.monotonic() < deadline, "the next calls were not rendered in time"
        time.sleep(0.05)
