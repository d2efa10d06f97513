"""The sandbox REST server: real HTTP on a loopback port, one per process, many sandboxes on it.

Each hotline app in sandbox mode gets its own `Sandbox` (its own calls, messages, recordings),
reached under `/t/<key>` on the shared server, so tests never see each other's traffic and a
process starts one server thread however many apps it builds. `hotline sandbox serve` serves a
single sandbox at the root instead.
"""
from __future__ import annotations

import secrets
import threading
import weakref
from dataclasses import dataclass
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from sandbox.rest.api import error, make_rest_app
from sandbox.rest.state import SandboxState

PREFIX = "/t/"


class QuietHandler(WSGIRequestHandler):
    """The sandbox's own access log would drown the app's; what was asked is kept in the state."""

    def log_request(self, *args, **kwargs) -> None:
        pass


@dataclass(eq=False)
class Sandbox:
    """One sandbox network: `state` holds what was asked of it; `base_url` is its TWILIO_API_URL."""

    state: SandboxState
    base_url: str

    def __getattr__(self, name: str) -> Any:
        # sandbox.messages, sandbox.calls, sandbox.fail_next(...) read through to the state.
        return getattr(self.state, name)


class SandboxServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, default: SandboxState | None = None) -> None:
        self.rest = make_rest_app()
        self.default = default
        self.tenants: "weakref.WeakValueDictionary[str, SandboxState]" = weakref.WeakValueDictionary()
        self.server: BaseWSGIServer = make_server(host, port, self.wsgi, threaded=True,
                                                   request_handler=QuietHandler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread: threading.Thread | None = None

    def wsgi(self, environ: dict, start_response):
        path = environ.get("PATH_INFO", "")
        sandbox = self.default
        if path.startswith(PREFIX):
            key, _, rest = path[len(PREFIX):].partition("/")
            sandbox = self.tenants.get(key)
            environ["PATH_INFO"] = "/" + rest
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + PREFIX + key
        if sandbox is None:
            with self.rest.test_request_context():
                response = error(404, 20404, f"No sandbox at {path}")
            return response(environ, start_response)
        environ["hotline.sandbox"] = sandbox
        return self.rest(environ, start_response)

    def add(self, state: SandboxState) -> Sandbox:
        key = secrets.token_hex(6)
        self.tenants[key] = state
        return Sandbox(state, f"{self.url}{PREFIX}{key}")

    def start(self) -> "SandboxServer":
        self.thread = threading.Thread(target=self.server.serve_forever, name="hotline-sandbox", daemon=True)
        self.thread.start()
        return self

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def stop(self) -> None:
        self.server.shutdown()


_shared: SandboxServer | None = None
_shared_lock = threading.Lock()
_by_credentials: dict[tuple[str, str], Sandbox] = {}


def shared_server() -> SandboxServer:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = SandboxServer().start()
        return _shared


def ensure_sandbox(settings, app=None) -> Sandbox:
    """The sandbox for `app` (created on first use); without an app, one per account and token."""
    if app is not None and app.extensions.get("hotline.sandbox") is not None:
        return app.extensions["hotline.sandbox"]
    key = (settings.twilio_account_sid, settings.twilio_auth_token)
    if app is None and key in _by_credentials:
        return _by_credentials[key]
    sandbox = shared_server().add(SandboxState(*key))
    if app is not None:
        app.extensions["hotline.sandbox"] = sandbox
    else:
        _by_credentials[key] = sandbox
    return sandbox
