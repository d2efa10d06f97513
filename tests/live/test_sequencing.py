"""Frames back in order per track, gaps heard as silence, everything counted."""
from hotline.mulaw import SILENCE
from live.sequencing import FRAME_BYTES, StreamSequence, TrackSequencer

SILENT = bytes([SILENCE]) * FRAME_BYTES


def frame(n: int) -> bytes:
    return bytes([n]) * FRAME_BYTES


def test_frames_in_order_pass_straight_through():
    track = TrackSequencer(window=3)
    assert [track.push(n, frame(n)) for n in (1, 2, 3)] == [[frame(1)], [frame(2)], [frame(3)]]
    assert track.counts.frames == 3 and track.counts.reordered == track.counts.missing == 0


def test_a_frame_overtaken_by_the_next_is_put_back_in_its_place():
    track = TrackSequencer(window=3)
    assert track.push(1, frame(1)) == [frame(1)]
    assert track.push(3, frame(3)) == []
    assert track.push(2, frame(2)) == [frame(2), frame(3)]
    assert track.counts.reordered == 1 and track.counts.missing == 0


def test_a_frame_that_never_comes_is_silence_and_a_late_one_is_dropped():
    track = TrackSequencer(window=2)
    track.push(1, frame(1))
    assert track.push(3, frame(3)) == []
    assert track.push(4, frame(4)) == [SILENT, frame(3), frame(4)]
    assert track.push(2, frame(2)) == []
    assert (track.counts.missing, track.counts.late, track.counts.duplicates) == (1, 1, 0)
    assert track.push(4, frame(4)) == [] and track.counts.duplicates == 1
    assert track.counts.gaps == [[0.02, 0.04]]  # frame 2's 20 ms, where the recording is decoded


def test_the_end_of_the_stream_releases_what_is_held_with_its_gaps():
    track = TrackSequencer(window=10)
    track.push(2, frame(2))
    track.push(4, frame(4))
    assert track.flush() == [SILENT, frame(2), SILENT, frame(4)]
    assert track.counts.missing == 2 and track.counts.gaps == [[0.0, 0.02], [0.04, 0.06]]


def test_consecutive_lost_frames_are_one_gap():
    track = TrackSequencer(window=3)
    track.push(1, frame(1))
    for n in range(60, 64):  # frames 2..59 never come: 1.16 s of silence
        track.push(n, frame(n))
    assert track.counts.missing == 58 and track.counts.gaps == [[0.02, 1.18]]


def test_the_streams_sequence_numbers_count_what_came_out_of_order_or_not_at_all():
    sequence = StreamSequence()
    for number in (1, 2, 4, 3, 7):
        sequence.see(number)
    assert (sequence.out_of_order, sequence.missing, sequence.received) == (1, 2, 5)
