"""Announcements as audio: the hall's recorded clips, or espeak-ng, joined into a WAV file
cached on disk.

Boards need no internet and no voices of their own: the server renders the sentences it built
(`announce.call_parts`) and the board plays the file. A language with a voice pack
(`announcement.voice_packs`) is said from its clips (`shared.domain.voice_script`), espeak-ng
saying only the words the pack lacks, in their place; a language without one is spoken whole
by espeak-ng's voice of that language (Debian's `espeak-ng -v id` names letters the Indonesian
way: "B" is "be"), at a calm pace for a hall. The parts are joined with a short pause, the whole
said `repeat` times with a longer one between, and the result is kept under a name derived from
the words and the clips, so a sentence is rendered once however many boards play it and however
often, and again when a clip is recorded anew. A file already cached is served without waiting
for a render under way; `in_background` renders at the lowest CPU priority (`speech_ahead`
renders the next calls that way, before they are made).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, NamedTuple

from shared.domain import voice_script
from shared.domain.announce import Spoken, call_parts, spoken_counter
from shared.domain.config import Config, Counter
from shared.domain.errors import Unavailable

SPEECH_CACHE = "var/speech"
ESPEAK = "espeak-ng"
SOX = "sox"
VOICES = {"id": "id", "en": "en"}  # any other language (a local one) is read by the "id" voice
# espeak-ng's own pace is 175 words a minute: too quick for a hall with people talking.
WORDS_PER_MINUTE = 140
PAUSE_SECONDS = 0.4  # between the sentences of the languages, and at a comma within one
WORD_GAP_SECONDS = 0.06  # between two clips of a pack, as between words
REPEAT_PAUSE_SECONDS = 1.2
RENDER_TIMEOUT_SECONDS = 10
# Rendered files kept at most; the least recently played go first (about 150 kB each).
MAX_CACHED_FILES = 1000
FORMAT_VERSION = 2
BACKGROUND_NICENESS = 19  # the lowest CPU priority: a render ahead never slows a call's frame


class Clip(NamedTuple):
    """Spoken audio: its WAV format and its raw samples."""

    channels: int
    sample_width: int
    frame_rate: int
    frames: bytes


# What espeak-ng writes: every clip of a pack is brought to it (by sox) before joining.
FORMAT = (1, 2, 22050)


class VoicePack:
    """A folder of recorded WAV clips, each named by its phrase's slug (`voice_script.slug`)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clips(self) -> dict[str, Path]:
        """The pack's clips by slug (none when the folder is missing)."""
        try:
            entries = list(os.scandir(self.folder))
        except OSError:
            return {}
        return {
            Path(entry.name).stem.lower(): Path(entry.path)
            for entry in entries
            if entry.name.lower().endswith(".wav") and entry.is_file()
        }

    def signature(self, slugs: Sequence[str]) -> list[tuple[str, int, int]]:
        """What the named clips are now (size and time of change), for the cache's key."""
        found = self.clips()
        described = []
        for name in slugs:
            status = found[name].stat()
            described.append((name, status.st_size, status.st_mtime_ns))
        return described


class Speech:
    """Renders announcements into `cache_dir`, once per distinct sentence and clips: from the
    voice packs of `packs` (language -> folder) where a language has one, else by espeak-ng."""

    def __init__(
        self,
        cache_dir: Path,
        command: str = ESPEAK,
        packs: Mapping[str, Path] | None = None,
        niceness: int = 0,
    ) -> None:
        self.cache_dir = cache_dir
        self.command = command
        self.packs = {language: VoicePack(folder) for language, folder in (packs or {}).items()}
        self.niceness = niceness
        self._lock = threading.Lock()

    def in_background(self) -> Speech:
        """The same voice and cache, rendering at the lowest CPU priority (where `nice` is)."""
        background = Speech(self.cache_dir, self.command, niceness=BACKGROUND_NICENESS)
        background.packs = self.packs
        return background

    def audio(self, parts: Sequence[Spoken], repeat: int = 1) -> Path:
        """The WAV file speaking `parts` `repeat` times, rendered now unless it is cached.

        Raises Unavailable when espeak-ng (or sox, for a clip of another format) is missing or
        fails, or the cache cannot be written (the board then falls back to the browser's own
        voice).
        """
        scripts = [self._script(part) for part in parts]
        path = self.cache_dir / f"{self._cache_key(parts, scripts, repeat)}.wav"
        if _played(path):  # files appear whole (`_write_joined`): no need to wait for a render
            return path
        with self._lock:
            if _played(path):
                return path
            try:
                self.cache_dir.mkdir(parents=True, exist_ok=True)
                clips = [
                    self._say(part, script) for part, script in zip(parts, scripts, strict=True)
                ]
                _write_joined(path, clips, repeat)
                self._prune()
            except OSError as error:
                raise Unavailable("error.speech_unavailable", detail=str(error)) from error
        return path

    def _script(self, part: Spoken) -> list[voice_script.Step] | None:
        """How a part is said from its language's pack; None without a pack."""
        pack = self.packs.get(part.language)
        return voice_script.script(part.text, pack.clips().keys()) if pack else None

    def _cache_key(
        self,
        parts: Sequence[Spoken],
        scripts: Sequence[list[voice_script.Step] | None],
        repeat: int,
    ) -> str:
        clips = [
            self.packs[part.language].signature(
                [step.slug for step in script if isinstance(step, voice_script.Clip)]
            )
            if script is not None
            else None
            for part, script in zip(parts, scripts, strict=True)
        ]
        return cache_key(parts, repeat, clips)

    def _say(self, part: Spoken, script: list[voice_script.Step] | None) -> Clip:
        """One sentence: its pack's clips with espeak-ng for the rest, or espeak-ng alone."""
        if script is None:
            return self._render(part.language, part.text)
        pack = self.packs[part.language].clips()
        pieces: list[bytes] = []
        after_words = False  # the last piece was a clip or espeak-ng's words, not a pause
        for step in script:
            if isinstance(step, voice_script.Pause):
                pieces.append(_silence(PAUSE_SECONDS))
                after_words = False
                continue
            if after_words:
                pieces.append(_silence(WORD_GAP_SECONDS))
            if isinstance(step, voice_script.Clip):
                said = self._recorded(pack[step.slug])
            else:
                said = self._render(part.language, step.text)
            if said[:3] != FORMAT:
                raise Unavailable("error.speech_unavailable", detail="the voices differ in format")
            pieces.append(said.frames)
            after_words = True
        return Clip(*FORMAT, b"".join(pieces))

    def _recorded(self, path: Path) -> Clip:
        """A pack's clip in espeak-ng's format (converted by sox when it was recorded in
        another)."""
        clip = _read(path)
        if clip[:3] == FORMAT:
            return clip
        channels, width, rate = FORMAT
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as folder:
            target = Path(folder) / "clip.wav"
            _run(
                self._niced(
                    [SOX, str(path), "-r", str(rate), "-c", str(channels), "-b", str(width * 8),
                     "-e", "signed-integer", str(target)]
                )
            )  # fmt: skip
            return _read(target)

    def _render(self, language: str, words: str) -> Clip:
        """Words spoken by espeak-ng's voice of their language."""
        voice = VOICES.get(language, VOICES["id"])
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as folder:
            target = Path(folder) / "part.wav"
            # The text goes in on stdin, so no sentence is ever read as an option.
            _run(
                self._niced(
                    [self.command, "-v", voice, "-s", str(WORDS_PER_MINUTE), "-w", str(target)]
                ),
                words,
            )
            return _read(target)

    def _niced(self, command: list[str]) -> list[str]:
        """`command` run at this voice's CPU priority."""
        nice = shutil.which("nice") if self.niceness else None
        return [nice, "-n", str(self.niceness), *command] if nice else command

    def _prune(self) -> None:
        """Forget the least recently played files once there are more than MAX_CACHED_FILES."""
        files = sorted(self.cache_dir.glob("*.wav"), key=lambda file: file.stat().st_mtime)
        for old in files[: max(0, len(files) - MAX_CACHED_FILES)]:
            old.unlink(missing_ok=True)


def station_speech(config: Config) -> Speech:
    """The station's voice: its cache beside the config and its voice packs."""
    packs = config.announcement.voice_packs
    return Speech(
        config.resolve(SPEECH_CACHE),
        packs={language: config.resolve(folder) for language, folder in packs.items()},
    )


def spoken_languages(config: Config) -> list[tuple[str, str]]:
    """Each language a call is spoken in, with its sentence's template."""
    announcement = config.announcement
    found = [("id", announcement.template)]
    if announcement.english:
        found.append(("en", announcement.english_template))
    if announcement.local:
        found.append((announcement.local.language, announcement.local.template))
    return found


def pack_report(config: Config) -> list[dict[str, Any]]:
    """For each language a call is spoken in: its voice pack's folder (None: espeak-ng says
    everything), whether it is there, and every phrase a complete pack holds
    (`voice_script.wanted`) with whether the pack says it from clips now."""
    packs = config.announcement.voice_packs
    prefixes = {config.number_prefix(service) for service in config.services}
    report = []
    for language, template in spoken_languages(config):
        folder = packs.get(language)
        clips = VoicePack(config.resolve(folder)).clips().keys() if folder else frozenset()
        counters = [
            spoken_counter(
                config.shown_name(counter),
                None if config.serves_only_private(counter) else counter.spoken,
                language if language in VOICES else "id",
            )
            for counter in config.counters
        ]
        wanted = voice_script.wanted(template, prefixes, counters, language)
        phrases = [
            {**item._asdict(), "recorded": not voice_script.missing(item.phrase, clips)}
            for item in wanted
        ]
        report.append(
            {
                "language": language,
                "name": None if language in VOICES else config.announcement.local.name,  # type: ignore[union-attr]
                "folder": folder,
                "found": folder is not None and config.resolve(folder).is_dir(),
                "clips": len(clips),
                "missing": sum(not phrase["recorded"] for phrase in phrases),
                "phrases": phrases,
            }
        )
    return report


def call_audio(speech: Speech, number: str, counter: Counter, config: Config) -> Path:
    """The audio of a call of `number` to `counter`, as often as `announcement.repeat` says."""
    return speech.audio(call_parts(number, counter, config), repeat=config.announcement.repeat)


def sample_call(config: Config, counter: Counter) -> list[Spoken]:
    """A call to `counter` as the hall would hear it, for the voices page: a number of the
    first service it serves, 17 of the day."""
    service = config.service_by_id[counter.services[0]]
    return call_parts(f"{config.number_prefix(service)}-017", counter, config)


def _played(path: Path) -> bool:
    """Whether `path` is cached; if so it is marked as just played (pruned last)."""
    if not path.is_file():
        return False
    with suppress(OSError):  # a cache it cannot mark still plays
        os.utime(path)
    return True


def _run(command: list[str], stdin: str | None = None) -> None:
    try:
        subprocess.run(  # noqa: S603 (fixed commands; words only on stdin)
            command,
            input=stdin,
            text=True,
            capture_output=True,
            check=True,
            timeout=RENDER_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.SubprocessError) as error:
        raise Unavailable("error.speech_unavailable", detail=str(error)) from error


def _read(path: Path) -> Clip:
    try:
        with wave.open(str(path), "rb") as clip:
            return Clip(
                clip.getnchannels(),
                clip.getsampwidth(),
                clip.getframerate(),
                clip.readframes(clip.getnframes()),
            )
    except (wave.Error, EOFError) as error:
        raise Unavailable("error.speech_unavailable", detail=f"{path.name}: {error}") from error


def _silence(seconds: float) -> bytes:
    channels, width, rate = FORMAT
    return bytes(int(rate * seconds) * width * channels)


def cache_key(parts: Sequence[Spoken], repeat: int = 1, clips: Sequence[object] = ()) -> str:
    """The file name of an announcement: a hash of its words, languages, voices, repeats and
    the clips (and their versions) it is said with."""
    described = [
        FORMAT_VERSION,
        WORDS_PER_MINUTE,
        repeat,
        [[VOICES.get(p.language, VOICES["id"]), p.language, p.text] for p in parts],
        list(clips),
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
