"""Matching keys and words to a menu's options (pure logic, no app)."""
from __future__ import annotations

import pytest

from ivr.choice import choose, spoken_digit
from ivr.destination import choose_destination
from ivr.menu_loader import load_menu
from ivr.menu_store import DEFAULT_MENU_PATH

MAIN = load_menu(DEFAULT_MENU_PATH).nodes["main"]


@pytest.mark.parametrize("speech,key", [
    ("投诉", "3"), ("我想提个建议", "6"), ("I have a suggestion", "6"), ("人工服务", "0"), ("我要转人工", "0"), ("网络故障", "2"),
    ("查一下工单进度", "5"), ("complaint", "3"), ("Can I talk to a human?", "0"), ("there is an outage", "4"),
    ("one", "1"), ("按四", "4"),
])
def test_words_pick_the_option(speech, key):
    choice = choose(MAIN, None, speech)
    assert choice.kind == "option" and choice.option.key == key and choice.via == "speech"


@pytest.mark.parametrize("speech,kind", [("重听", "repeat"), ("repeat that", "repeat"), ("返回", "back"),
                                         ("go back", "back"), ("嗯嗯", "invalid"), ("", "none")])
def test_navigation_and_noise(speech, kind):
    assert choose(MAIN, None, speech).kind == kind


def test_keys_win_over_speech_and_unknown_keys_are_invalid():
    assert choose(MAIN, "3", "agent").option.key == "3"
    assert choose(MAIN, "8", None).kind == "invalid"
    assert choose(MAIN, "*", None).kind == "repeat" and choose(MAIN, "#", None).kind == "back"


def test_english_words_match_whole_words_only():
    assert choose(MAIN, None, "agentive").kind == "invalid"
    assert spoken_digit("someone") is None and spoken_digit("press 1 or 2") is None


@pytest.mark.parametrize("hours,night,agents,expected", [
    (True, False, 0, ("queue", "complaint")), (False, True, 3, ("queue", "night")),
    (False, True, 0, ("voicemail", None)), (False, False, 3, ("voicemail", None)),
])
def test_destination_by_hour(hours, night, agents, expected):
    found = choose_destination("complaint", business_hours=hours, night_shift=night, night_agents=agents)
    assert (found.kind, found.queue) == expected
