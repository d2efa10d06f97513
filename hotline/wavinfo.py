"""What a WAV file holds, read from its header: the truth about rate and channels, not the callback's.

Pure: no Flask or database. Plumbing because two areas read headers: recordings checks a download,
transcription decodes at the file's own rate (it gets the bytes through `RecordingAudio`).
"""
from __future__ import annotations

import io
import wave
from dataclasses import dataclass

# Twilio records one channel (<Record>, conferences) or two (`record-from-answer-dual`); a file with
# more is not call audio, and decoding each of its channels would multiply the work (64 channels:
# 49 s of decoding per second of audio).
MAX_CHANNELS = 2


class BadAudio(ValueError):
    """The bytes are not audio we can keep or decode; the message tells a person what to do."""


@dataclass(frozen=True)
class WavInfo:
    channels: int
    sample_rate: int
    sample_width: int
    frames: int

    @property
    def seconds(self) -> float:
        return self.frames / self.sample_rate if self.sample_rate else 0.0


def read_wav_info(data: bytes) -> WavInfo:
    """Parse and check a WAV header; a truncated body (fewer bytes than it declares) is refused."""
    if not data:
        raise BadAudio("the file is empty (0 bytes); download it again from Twilio or check the recording")
    if len(data) < 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise BadAudio("not a WAV file (no RIFF/WAVE header); phone recordings must be .wav")
    try:
        with wave.open(io.BytesIO(data)) as wav:
            info = WavInfo(wav.getnchannels(), wav.getframerate(), wav.getsampwidth(), wav.getnframes())
            # Header checks first, before reading (or anyone decoding) the audio itself.
            if not 1 <= info.channels <= MAX_CHANNELS:
                raise BadAudio(f"{info.channels} channels; call recordings have 1 or {MAX_CHANNELS}")
            if not 8000 <= info.sample_rate <= 48000:
                raise BadAudio(f"sample rate {info.sample_rate} Hz is outside 8000-48000 Hz; "
                               "this is not call audio")
            if info.sample_width != 2:
                raise BadAudio(f"{8 * info.sample_width}-bit samples; the decoder needs 16-bit PCM")
            body = wav.readframes(info.frames)
    except (wave.Error, EOFError) as exc:
        raise BadAudio(f"the WAV header is unreadable ({exc}); the file is damaged") from None
    expected = info.frames * info.channels * info.sample_width
    if len(body) < expected:
        raise BadAudio(f"the file is truncated: its header promises {expected} bytes of audio, "
                       f"it holds {len(body)}; download it again")
    if info.frames == 0:
        raise BadAudio("the WAV file holds no audio (0 frames)")
    return info
