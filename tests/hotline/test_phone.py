import pytest

from hotline.phone import InvalidPhone, normalise_phone


@pytest.mark.parametrize("raw,expected", [
    ("+8613800138000", "+8613800138000"),
    ("8613800138000", "+8613800138000"),
    ("13800138000", "+8613800138000"),
    ("138 0013 8000", "+8613800138000"),
    ("0086 138-0013-8000", "+8613800138000"),
    ("010-6552 9988", "+861065529988"),
    ("(0755) 8888 9999", "+8675588889999"),
    ("+1 (415) 555-0100", "+14155550100"),
])
def test_numbers_become_e164(raw, expected):
    assert normalise_phone(raw) == expected


def test_default_country_applies_to_domestic_numbers():
    assert normalise_phone("020 7946 0018", default_country="44") == "+442079460018"


@pytest.mark.parametrize("raw", ["", "anonymous", "1380013800", "+86 138001380001", "12345", "+86abc"])
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)


def test_a_warmed_country_never_compiles_its_patterns_again(monkeypatch):
    """A web or RQ worker warms the default country at start (hotline.phone.warm): its first lookup,
    and any after the app's other regular expressions pushed the patterns out of `re`'s cache of
    512, must not pay to compile them again."""
    import re

    from hotline.phone import warm

    warm("86")
    re.purge()  # what the rest of the app's expressions do to `re`'s own cache over time
    compiled = []
    real = re.compile
    monkeypatch.setattr(re, "compile", lambda pattern, *args: compiled.append(pattern) or real(pattern, *args))
    assert normalise_phone("13800138000") == "+8613800138000"
    assert normalise_phone("010-6552 9988") == "+861065529988"
    assert compiled == []
