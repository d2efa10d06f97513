"""`login_required(*roles)`: the guard of every page and page script, whichever area serves it.

Who is signed in is the people area's (`hotline.contracts.Pages`); the decorator lives here so an
area's views can be decorated when their module is imported, before any app (or people) exists.
"""
from __future__ import annotations

import functools
from typing import Callable, TypeVar

from hotline.contracts import Pages, need

F = TypeVar("F", bound=Callable)


def login_required(*roles: str) -> Callable[[F], F]:
    """Guard a page or a page's fetch endpoint.

    Not signed in: pages redirect to the sign-in page (and come back), scripts get 401 JSON.
    Signed in without one of `roles` (admins always pass): 403. A state-changing request without the
    session's CSRF token: 403. The view finds the user in `g.user` and `g.principal`.
    """

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            refused = need(Pages).refusal(roles)
            return refused if refused is not None else view(*args, **kwargs)

        guarded.required_roles = roles  # type: ignore[attr-defined]
        guarded.signed_in_page = True  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorator
