import pytest

from hotline.sms_keywords import OPT_IN, OPT_OUT, keyword_of, resubscribes


@pytest.mark.parametrize("text", ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "cancel", "END", "quit", "退订", "TD",
                                  "td", "退订谢谢", " Stop "])
def test_opt_out_keywords(text):
    assert keyword_of(text) == OPT_OUT


@pytest.mark.parametrize("text", ["START", "unstop"])
def test_opt_in_keywords(text):
    assert keyword_of(text) == OPT_IN and resubscribes(text)


@pytest.mark.parametrize("text", ["", "hello", "yes", "5", "stop calling me at work", "please stop"])
def test_other_messages_are_no_keyword(text):
    assert keyword_of(text) is None


def test_yes_resubscribes_only_an_opted_out_number():
    assert keyword_of("YES") is None and resubscribes("yes")
