import pytest

from transcription.segmentation import Term, fts5_query, parse_query, searchable_text, tsquery_literal


def positions(text):
    words = {}
    for word, position in searchable_text(text).han:
        words.setdefault(word, set()).add(position)
    return words


def test_vosk_spacing_is_undone_before_jieba_segments():
    assert positions("agent: 已 为您 提交 工 单")["工单"] == {4}


def test_inner_dictionary_words_share_their_words_position():
    words = positions("我已经发了律师函")
    assert words["律师函"] == words["律师"]


def test_a_word_straddling_two_words_is_not_indexed():
    words = positions("南京市长江大桥")
    assert "市长" not in words and {"南京", "长江", "大桥"} <= set(words)


def test_turns_are_not_joined_and_english_goes_to_the_database_parser():
    text = searchable_text("agent: 您好\ncaller: I want a refund 退款")
    assert "您好退款" not in dict(text.han) and "refund" in text.latin and "退款" not in text.latin
    assert "caller" not in text.latin  # speaker labels are not words of the call


@pytest.mark.parametrize("query, terms", [
    ("律师", [Term(("律师",), "")]),
    ("消费者协会", [Term(("消费者", "协会"), "")]),
    ('退款 "nice day"', [Term(("退款",), ""), Term((), "nice day")]),
    ("  ", []),
    ("%", []),
])
def test_queries_become_terms(query, terms):
    assert parse_query(query) == terms


def test_query_syntax_for_each_database():
    terms = parse_query('消费者协会 "refund" a"b')
    assert tsquery_literal(terms[0].han) == "'消费者' <-> '协会'"
    assert fts5_query(terms) == '"消费者 协会" AND "refund" AND "a b"'
