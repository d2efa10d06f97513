"""Where a caller is in the menu, carried in the webhook URLs' query strings (never in memory).

Every Gather action and Redirect URL carries `node`, `lang`, `trail` (the nodes to go back
through with #) and `misses` (wrong keys or silences at this step), so any web process on any
machine can answer the caller's next request.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping

from ivr.menu import LANGUAGES

MAX_TRAIL = 8


@dataclass(frozen=True)
class MenuState:
    node: str
    language: str = ""  # "" until the caller chose one (or we knew it)
    trail: tuple[str, ...] = ()
    misses: int = 0

    @classmethod
    def from_query(cls, args: Mapping[str, str]) -> "MenuState":
        language = args.get("lang", "")
        misses = args.get("misses", "0")
        return cls(
            node=args.get("node", ""),
            language=language if language in LANGUAGES else "",
            trail=tuple(n for n in args.get("trail", "").split(",") if n)[-MAX_TRAIL:],
            misses=int(misses) if misses.isdigit() else 0,
        )

    def query(self) -> dict[str, str]:
        values = {"node": self.node, "lang": self.language, "trail": ",".join(self.trail),
                  "misses": str(self.misses)}
        return {k: v for k, v in values.items() if v and v != "0"}

    def go_to(self, node: str) -> "MenuState":
        trail = self.trail if node == self.node else (self.trail + (self.node,))[-MAX_TRAIL:]
        return replace(self, node=node, trail=trail, misses=0)

    def back(self) -> "MenuState":
        if not self.trail:
            return replace(self, misses=0)
        return replace(self, node=self.trail[-1], trail=self.trail[:-1], misses=0)

    def missed(self) -> "MenuState":
        return replace(self, misses=self.misses + 1)

    def speaking(self, language: str | None) -> "MenuState":
        return replace(self, language=language) if language else self
