import pytest

from revisits.replies import parse_reply


@pytest.mark.parametrize("text, score", [
    ("5", 5), ("1", 1), (" 4 ", 4), ("５", 5), ("３分", 3), ("五", 5), ("二", 2), ("四分", 4), ("3分", 3),
    ("5!", 5), ("【4】", 4),
])
def test_scores_in_every_accepted_form(text, score):
    reply = parse_reply(text)
    assert reply.score == score and not reply.opt_out


@pytest.mark.parametrize("text, solved", [
    ("yes", True), ("YES", True), ("y", True), ("是", True), ("是的", True), ("已解决", True),
    ("no", False), ("No", False), ("否", False), ("没解决", False), ("还没有解决", False), ("不是", False),
])
def test_solved_in_every_accepted_form(text, solved):
    assert parse_reply(text).solved is solved


def test_yes_and_a_score_together():
    reply = parse_reply("是，5分")
    assert (reply.solved, reply.score) == (True, 5)
    reply = parse_reply("否 2")
    assert (reply.solved, reply.score) == (False, 2)


@pytest.mark.parametrize("text", ["STOP", "stop", "StopAll", "UNSUBSCRIBE", "cancel", "END", "quit", "退订", "TD",
                                  "td", "退订谢谢"])
def test_opt_out_keywords(text):
    assert parse_reply(text).opt_out


@pytest.mark.parametrize("text", ["START", "unstop"])
def test_opt_in_keywords(text):
    assert parse_reply(text).opt_in


@pytest.mark.parametrize("text", ["", "hello", "0", "7", "12", "3 or 4", "一直", "不错", "stop calling me at work"])
def test_unclear_replies_are_not_guessed(text):
    reply = parse_reply(text)
    assert reply.score is None and reply.solved is None and not reply.opt_out


@pytest.mark.parametrize("text, score", [("满意", 4), ("一般", 3), ("不满意", 2), ("非常满意", 5), ("非常不满意", 1),
                                         ("satisfied", 4), ("Neutral", 3), ("not satisfied", 2),
                                         ("dissatisfied", 2), ("very satisfied", 5), ("很一般吧", 3)])
def test_the_manuals_three_levels_are_scores(text, score):
    """满意/一般/不满意 (and 非常 at either end) as the manuals' scale offers them, beside 1-5."""
    assert parse_reply(text).score == score
