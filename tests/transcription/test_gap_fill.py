"""Completing a live transcript from the recording where the stream lost frames (pure)."""
from hypothesis import given, strategies as st

from transcription.gap_fill import MARGIN_SECONDS, decode_windows, fill, merge_spans, shifted


def turn(speaker, start, end, text="x"):
    return {"speaker": speaker, "start": start, "end": end, "text": text,
            "words": [{"w": text, "start": start, "end": end, "conf": 1.0}]}


def test_spans_that_overlap_or_touch_are_one():
    assert merge_spans([(5, 6), (1, 2), (2, 3), (2.5, 4)]) == [(1, 4), (5, 6)]


def test_a_window_covers_every_live_turn_it_touches_on_either_track():
    live = [turn("agent", 0.5, 1.9), turn("caller", 3.5, 4.9), turn("agent", 4.8, 6.2), turn("agent", 8.0, 9.0)]
    # A gap inside the caller's phrase: the agent's overlapping phrase is decoded again too, and the
    # window grown by it touches nothing more.
    assert decode_windows(live, [(4.0, 4.1)], 10.0) == [(3.5, 6.2)]
    # A gap near the start is cut at 0; one at the end at the recording's length.
    assert decode_windows(live, [(0.0, 0.1)], 10.0) == [(0.0, 1.9)]
    assert decode_windows([], [(9.8, 10.0)], 10.0) == [(9.8 - MARGIN_SECONDS, 10.0)]


def test_widening_goes_on_until_no_live_turn_straddles_an_edge():
    live = [turn("caller", 1.0, 3.0), turn("agent", 2.8, 5.0), turn("caller", 4.9, 7.0)]
    assert decode_windows(live, [(1.5, 1.6)], 10.0) == [(1.0, 7.0)]


def test_the_decoded_turns_take_the_place_of_the_live_turns_in_the_window():
    live = [turn("agent", 0.5, 1.9, "hello"), turn("caller", 3.5, 4.9, "wrong"), turn("agent", 7.0, 8.0, "bye")]
    decoded = [shifted([turn("caller", 0.4, 1.8, "right")], 3.0)]
    merged = fill(live, [(3.0, 5.4)], decoded)
    assert [(t["speaker"], t["start"], t["text"]) for t in merged] == [("agent", 0.5, "hello"), ("caller", 3.4, "right"),
                                                                         ("agent", 7.0, "bye")]
    assert merged[1]["words"][0]["start"] == 3.4


spans = st.lists(st.tuples(st.floats(0, 60), st.floats(0.02, 5)).map(lambda p: (p[0], p[0] + p[1])), max_size=8)


@given(spans, spans)
def test_no_live_turn_is_ever_cut_by_a_window(turn_spans, gaps):
    live = [turn("caller" if n % 2 else "agent", a, b) for n, (a, b) in enumerate(turn_spans)]
    windows = decode_windows(live, gaps, 70.0)
    assert windows == merge_spans(windows)
    for t in live:
        inside = [w for w in windows if t["start"] < w[1] and t["end"] > w[0]]
        assert not inside or (len(inside) == 1 and inside[0][0] <= t["start"] and t["end"] <= inside[0][1])
    for a, b in gaps:  # every lost second is decoded
        assert any(w[0] <= a and min(b, 70.0) <= w[1] for w in windows)
