"""Pure rules of the desk: masking, addressing the caller, who may open a desk, the day's figures."""
import importlib
from datetime import datetime, timedelta, timezone

import pytest

from desk.my_day import start_of_day
from desk.screen import HandledCall, address_customer, day_figures, desk_phase, mask_number, may_open_desk

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("number,masked", [
    ("+8613800138000", "*********8000"), ("+1 (415) 555-0100", "*******0100"), ("1234", "****"),
    ("", ""), (None, ""), ("client:alice", "client:alice")])
def test_only_the_last_four_digits_are_shown(number, masked):
    assert mask_number(number) == masked


@pytest.mark.parametrize("language,salutation,expected", [
    ("zh-CN", "王女士", "王女士"), ("en-US", "Mr Wang", "Mr Wang"),
    ("zh-CN", None, "先生/女士"), ("en-US", None, "Sir or Madam")])
def test_the_caller_is_addressed_by_salutation_or_politely_when_unknown(language, salutation, expected):
    assert address_customer(language, salutation) == expected


@pytest.mark.parametrize("role,own,target,allowed", [
    ("agent", 3, 3, True), ("agent", 3, 4, False), ("agent", None, 3, False), ("qa", None, 3, False),
    ("supervisor", None, 3, True), ("admin", None, 3, True)])
def test_who_may_open_a_desk(role, own, target, allowed):
    assert may_open_desk(role, own, target) is allowed


@pytest.mark.parametrize("status,phase", [("reserved", "offered"), ("on_call", "live"), ("wrap_up", "wrap_up"),
                                          ("available", "idle"), ("missed", "idle"), (None, "idle")])
def test_desk_phase(status, phase):
    assert desk_phase(status) == phase


def test_handle_time_is_talk_plus_wrap_up_and_open_calls_wait():
    calls = [HandledCall(T0, T0 + timedelta(seconds=100), T0 + timedelta(seconds=130)),
             HandledCall(T0, T0 + timedelta(seconds=50), None),
             HandledCall(T0, None, None)]
    figures = day_figures(calls, missed_offers=2, tickets_resolved=1, satisfaction_scores=[5, 4, 0])
    assert figures.to_dict() == {"calls_answered": 3, "average_handle_seconds": 90, "missed_offers": 2,
                                 "tickets_resolved": 1, "satisfaction": {"average": 4.5, "responses": 2}}


def test_an_empty_day():
    assert day_figures([], 0, 0, []).to_dict()["average_handle_seconds"] is None


def test_the_day_starts_at_local_midnight():
    # 01:30 UTC is 09:30 in Shanghai: the day began at 16:00 UTC the evening before.
    assert start_of_day(datetime(2026, 11, 24, 1, 30, tzinfo=timezone.utc), "Asia/Shanghai") == \
        datetime(2026, 11, 23, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("catalog", ["desk.messages", "supervision.messages"])
def test_every_page_text_is_in_both_languages(catalog):
    """The desk's and the live page's labels (the call controls' and monitoring's among them)."""
    messages = importlib.import_module(catalog).MESSAGES
    assert set(messages["zh-CN"]) == set(messages["en-US"])
    assert all(text.strip() for language in messages.values() for text in language.values())
