import pytest

from people.passwords import hash_password, password_problem, verify_password


def test_hashes_are_argon2id_salted_and_verify():
    first, second = hash_password("a long passphrase"), hash_password("a long passphrase")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "a long passphrase")
    assert not verify_password(first, "a long passphrase!")


def test_no_hash_never_verifies():
    assert not verify_password(None, "anything at all")
    assert not verify_password("not-a-hash", "anything at all")


@pytest.mark.parametrize("password,problem", [
    ("short", "at least 10"), (None, "at least 10"), ("x" * 257, "at most 256"),
    ("wang.fang1", "must not be the login"), ("a fine passphrase", None)])
def test_password_rules(password, problem):
    found = password_problem(password, "wang.fang1")
    assert (found is None) if problem is None else (problem in found)
