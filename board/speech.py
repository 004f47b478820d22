"""Announcements as audio: espeak-ng speaks each sentence to a WAV file, cached on disk.

Boards need no internet and no voices of their own: the server renders the sentences it built
(`announce.call_parts`) and the board plays the file. Each part is spoken by the voice of its
language (Debian's `espeak-ng -v id` names letters the Indonesian way: "B" is "be"), at a calm
pace for a hall; the parts are joined with a short pause, the whole said `repeat` times with a
longer one between, and the result is kept under a name derived from the words, so a sentence
is rendered once however many boards play it and however often.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
import threading
import wave
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from shared.domain.announce import Spoken
from shared.domain.errors import Unavailable

ESPEAK = "espeak-ng"
VOICES = {"id": "id", "en": "en"}
# espeak-ng's own pace is 175 words a minute: too quick for a hall with people talking.
WORDS_PER_MINUTE = 140
PAUSE_SECONDS = 0.4
REPEAT_PAUSE_SECONDS = 1.2
RENDER_TIMEOUT_SECONDS = 10
# Rendered files kept at most; the least recently played go first (about 150 kB each).
MAX_CACHED_FILES = 1000
FORMAT_VERSION = 1


class Clip(NamedTuple):
    """Spoken audio: its WAV format and its raw samples."""

    channels: int
    sample_width: int
    frame_rate: int
    frames: bytes


class Speech:
    """Renders announcements with espeak-ng into `cache_dir`, once per distinct sentence."""

    def __init__(self, cache_dir: Path, command: str = ESPEAK) -> None:
        self.cache_dir = cache_dir
        self.command = command
        self._lock = threading.Lock()

    def audio(self, parts: Sequence[Spoken], repeat: int = 1) -> Path:
        """The WAV file speaking `parts` `repeat` times, rendered now unless it is cached.

        Raises Unavailable when espeak-ng is missing or fails, or the cache cannot be written
        (the board then falls back to the browser's own voice).
        """
        path = self.cache_dir / f"{cache_key(parts, repeat)}.wav"
        with self._lock:
            if path.exists():
                path.touch()
                return path
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                _write_joined(path, [self._render(part) for part in parts], repeat)
                self._prune()
            except OSError as error:
                raise Unavailable("error.speech_unavailable", detail=str(error)) from error
        return path

    def _render(self, part: Spoken) -> Clip:
        """One sentence spoken by its language's voice."""
        voice = VOICES.get(part.language, VOICES["id"])
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as folder:
            target = Path(folder) / "part.wav"
            try:
                # The text goes in on stdin, so no sentence is ever read as an option.
                subprocess.run(  # noqa: S603 (fixed command, text on stdin)
                    [self.command, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(target)],
                    input=part.text,
                    text=True,
                    capture_output=True,
                    check=True,
                    timeout=RENDER_TIMEOUT_SECONDS,
                )
                with wave.open(str(target), "rb") as clip:
                    return Clip(
                        clip.getnchannels(),
                        clip.getsampwidth(),
                        clip.getframerate(),
                        clip.readframes(clip.getnframes()),
                    )
            except (OSError, subprocess.SubprocessError, wave.Error) as error:
                raise Unavailable("error.speech_unavailable", detail=str(error)) from error

    def _prune(self) -> None:
        """Forget the least recently played files once there are more than MAX_CACHED_FILES."""
        files = sorted(self.cache_dir.glob("*.wav"), key=lambda file: file.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_CACHED_FILES)]:
            old.unlink(missing_ok=True)


def cache_key(parts: Sequence[Spoken], repeat: int = 1) -> str:
    """The file name of an announcement: a hash of its words, languages, voices and repeats."""
    described = [
        FORMAT_VERSION,
        WORDS_PER_MINUTE,
        repeat,
        [[VOICES.get(p.language), p.language, p.text] for p in parts],
    ]
    return hashlib.sha256(json.dumps(described, ensure_ascii=False).encode()).hexdigest()[:32]


def _write_joined(path: Path, clips: Sequence[Clip], repeat: int) -> None:
    """Write the clips one after another with a pause between them, the whole `repeat` times
    with a longer pause between, atomically."""
    first = clips[0]
    if any(clip[:3] != first[:3] for clip in clips):
        raise Unavailable("error.speech_unavailable", detail="the voices differ in format")

    def silence(seconds: float) -> bytes:
        return bytes(int(first.frame_rate * seconds) * first.sample_width * first.channels)

    once = silence(PAUSE_SECONDS).join(clip.frames for clip in clips)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as out:
            out.setnchannels(first.channels)
            out.setsampwidth(first.sample_width)
            out.setframerate(first.frame_rate)
            out.writeframes(silence(REPEAT_PAUSE_SECONDS).join([once] * repeat))
        os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
