"""What can reach a call leg wherever it is in its TwiML, thrown into its process by the engine."""
from __future__ import annotations


class CallerHangup(Exception):
    """A party hung up (script's hangup_after, a hangup input, or their talk time ran out).

    `leg` says who: a process may be running TwiML for another leg (a <Dial>'s whisper plays to the
    agent inside the caller's process), and the agent hanging up there is not the caller leaving.
    """

    def __init__(self, leg=None) -> None:
        super().__init__(getattr(leg, "sid", ""))
        self.leg = leg


class RestUpdate(Exception):
    """The app updated the live call through REST: new TwiML (`url` or `twiml`) or `Status=completed`."""

    def __init__(self, url: str | None = None, method: str = "POST", twiml: str | None = None,
                 hangup: bool = False) -> None:
        super().__init__(url or twiml or "hangup")
        self.url, self.method, self.twiml, self.hangup = url, method, twiml, hangup


class Dequeued(Exception):
    """A `<Dial><Queue>` on another call took this caller out of its queue to bridge them."""

    def __init__(self, bridge, dequeuer, url: str | None, method: str = "POST") -> None:
        super().__init__(dequeuer.sid)
        self.bridge, self.dequeuer, self.url, self.method = bridge, dequeuer, url, method


class ConferenceChange(Exception):
    """Something changed for a conference participant (the conference started, hold, unhold, removal):
    the music they hear stops and they look again at where they stand."""


class SoftphonePickUp(Exception):
    """The agent's softphone (the desk, in sandbox mode) answered (`outcome` "answered") or declined
    ("busy") `leg`, ringing it; thrown into the leg's own process, or the dialing call's for a <Dial>."""

    def __init__(self, outcome: str = "answered", leg=None) -> None:
        super().__init__(outcome)
        self.outcome, self.leg = outcome, leg

    @property
    def note(self) -> str:
        """The line in the leg's timeline."""
        return "answered in the desk's softphone" if self.outcome == "answered" else "declined in the desk's softphone"
