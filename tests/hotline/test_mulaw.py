"""μ-law (G.711), shared by the media service and the sandbox: the reference codec's values."""
from array import array

from hotline import mulaw


def test_the_reference_points_of_g711():
    pcm = array("h")
    pcm.frombytes(mulaw.decode(bytes([0xFF, 0x7F, 0x00, 0x80, 0xEF])))
    assert list(pcm) == [0, 0, -32124, 32124, 132]
    assert mulaw.decode(bytes([mulaw.SILENCE])) == b"\0\0"


def test_encoding_then_decoding_keeps_speech_within_the_codecs_step():
    samples = array("h", [0, 1, -1, 100, -100, 1000, -1000, 8000, -8000, 32767, -32768])
    back = array("h")
    back.frombytes(mulaw.decode(mulaw.encode(samples.tobytes())))
    for original, decoded in zip(samples, back):
        assert abs(original - decoded) <= max(8, abs(original) // 16)
    assert len(mulaw.encode(b"\0\0\0")) == 1  # a trailing odd byte is no sample
