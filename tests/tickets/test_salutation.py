"""The one salutation rule (tickets owns customers): 王女士 / Ms Wang, title and surname only."""
import pytest

from hotline.contracts import Salutations, need
from tickets.salutation import salutation


@pytest.mark.parametrize("title,surname,language,spoken,expected", [
    ("ms", "王", "zh-CN", False, "王女士"), ("mr", "张", "zh-CN", True, "张先生"),
    ("ms", "Wang", "en-US", False, "Ms Wang"), ("MR", " Smith ", "en-US", True, "Mr Smith"),
    # Written English may carry a Chinese surname; the English voice cannot say it.
    ("ms", "王", "en-US", False, "Ms 王"), ("ms", "王", "en-US", True, None),
    (None, "王", "zh-CN", False, None), ("mr", None, "en-US", False, None), ("dr", "Wang", "en-US", False, None),
    ("ms", "  ", "zh-CN", False, None),
])
def test_title_and_surname_in_both_languages(title, surname, language, spoken, expected):
    assert salutation(title, surname, language, spoken=spoken) == expected


def test_every_area_asks_the_same_rule_through_the_contract(app):
    with app.app_context():
        assert need(Salutations).salutation("ms", "王", "zh-CN") == "王女士"
        assert need(Salutations).salutation("ms", "王", "en-US", spoken=True) is None
