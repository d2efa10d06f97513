"""Twilio's webhook connection overrides: `#rc=3&rp=5xx,ct,rt` in the fragment of a URL we give it.

Twilio reads the fragment, strips it (a fragment is never sent over HTTP anyway) and retries a
failed request up to `rc` times (at most 5) when the failure is of a kind `rp` names: `4xx`, `5xx`,
`ct` (could not connect), `rt` (no answer in time), `all`; without `rp` only `ct`. `tt` bounds all
attempts together (ms). Without an `rc` nothing is retried: Twilio sends a callback once.

Not documented by Twilio, so chosen here (check against a real account): how long it waits between
attempts (the sandbox: 1, 2, 4, 8, 16 s, on the simulated clock), and that the signature is computed
over the URL without the fragment (the sandbox signs what it requests; the hotline accepts both).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

MAX_RETRIES = 5
POLICIES = {"4xx", "5xx", "ct", "rt", "all"}


@dataclass(frozen=True)
class Overrides:
    retries: int = 0
    policy: frozenset[str] = frozenset({"ct"})
    total_seconds: float | None = None

    def pause(self, attempt: int) -> float:
        """Seconds before retry number `attempt` (1, 2, ...)."""
        return float(2 ** (attempt - 1))

    def retries_after(self, status: int, error: str) -> bool:
        """Whether a request that ended with `status`/`error` is of a kind to retry."""
        if "all" in self.policy:
            return bool(error) or status >= 400
        if error:
            kind = "rt" if ("Timeout" in error and "Connect" not in error) or error.startswith("no answer") else "ct"
            return kind in self.policy
        return ("5xx" in self.policy and status >= 500) or ("4xx" in self.policy and 400 <= status < 500)


def split(url: str) -> tuple[str, Overrides]:
    """The URL Twilio requests (no fragment) and the overrides its fragment asked for."""
    url, _, fragment = url.partition("#")
    if not fragment:
        return url, Overrides()
    values = {k: v[-1] for k, v in parse_qs(fragment).items()}
    try:
        retries = min(MAX_RETRIES, max(0, int(values.get("rc", "0"))))
    except ValueError:
        retries = 0
    policy = frozenset(p for p in values.get("rp", "ct").split(",") if p in POLICIES) or frozenset({"ct"})
    try:
        total = int(values["tt"]) / 1000 if "tt" in values else None
    except ValueError:
        total = None
    return url, Overrides(retries, policy, total)
