"""A job that telephones, for the test that runs it in a forked RQ worker."""
from __future__ import annotations

from hotline.gateway import get_gateway


def call_customer(number: str, url: str) -> str:
    return get_gateway().place_call(number, url).sid
