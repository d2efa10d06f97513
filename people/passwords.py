"""Password hashing with Argon2id (argon2-cffi's defaults, RFC 9106's low-memory profile)."""
from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10  # staff accounts guard callers' data; NIST 800-63B's floor is 8, we ask a little more
_hasher = PasswordHasher()
# Verified against when the login does not exist, so a wrong login costs as long as a wrong password
# and response times do not reveal which logins exist.
_DUMMY_HASH = _hasher.hash("not a real password, only here to spend the same time")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's; rehash on next sign-in."""
    return _hasher.check_needs_rehash(password_hash)


def password_problem(password: object, login: str = "") -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > 256:
        return "must be at most 256 characters"
    if login and password.strip().lower() == login.lower():
        return "must not be the login"
    return None
