"""Vosk's results as phrases: finals with their word times, partials replaced as they grow."""
import json

from live.phrases import PhraseAssembler


def result(*words):
    return json.dumps({"result": [{"word": w, "start": s, "end": e, "conf": 0.9} for w, s, e in words],
                       "text": " ".join(w for w, _, _ in words)})


def test_a_final_phrase_has_its_speaker_times_and_text():
    caller = PhraseAssembler("caller", "en-US")
    phrase = caller.final(result(("i", 3.5, 3.6), ("complain", 3.6, 4.2)), 4.5)
    assert (phrase.speaker, phrase.index, phrase.start, phrase.end, phrase.text, phrase.final) == \
        ("caller", 0, 3.5, 4.2, "i complain", True)
    assert caller.final(json.dumps({"text": ""}), 5.0) is None
    assert caller.final(result(("again", 6.0, 6.4)), 6.5).index == 1


def test_chinese_is_written_without_spaces():
    assert PhraseAssembler("agent", "zh-CN").final(result(("您好", 0.5, 0.9), ("请讲", 1.0, 1.4)), 2).text == "您好请讲"


def test_partials_grow_keep_their_start_and_give_way_to_the_final():
    agent = PhraseAssembler("agent", "en-US")
    first = agent.partial(json.dumps({"partial": "hello"}), 1.2)
    assert (first.text, first.start, first.end, first.final, first.index) == ("hello", 1.2, 1.2, False, 0)
    assert agent.partial(json.dumps({"partial": "hello"}), 1.5) is None  # nothing new
    grown = agent.partial(json.dumps({"partial": "hello there"}), 1.8)
    assert (grown.start, grown.end, grown.index) == (1.2, 1.8, 0)
    assert agent.partial(json.dumps({"partial": ""}), 2.0) is None
    final = agent.final(result(("hello", 0.9, 1.2), ("there", 1.3, 1.7)), 2.1)
    assert final.index == 0 and final.final and final.start == 0.9
