"""Recordings held by the project's sandbox (Twilio's REST API over real HTTP), for download tests."""
from __future__ import annotations

from sandbox.rest.state import Recording


class SandboxMedia:
    def __init__(self, sandbox, account_sid: str) -> None:
        self.sandbox = sandbox
        self.account_sid = account_sid

    def put(self, sid: str, data: bytes, call_sid: str = "CA" + "1" * 32) -> None:
        self.sandbox.add_recording(Recording(sid=sid, call_sid=call_sid, wav=data, channels=2, duration=8))

    def fail(self, sid: str, status: int = 503) -> None:
        self.sandbox.fail_next(status=status, code=20500, message="Service Unavailable", path_contains=sid)

    def recording_url(self, sid: str) -> str:
        return f"{self.sandbox.base_url}/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"

    def holds(self, sid: str) -> bool:
        return self.sandbox.recording(sid) is not None

    @property
    def requests(self) -> list[tuple[str, str]]:
        return list(self.sandbox.requests)
