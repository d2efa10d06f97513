"""Twilio's recording media endpoints over real HTTP, for download tests until the sandbox lands:
GET .../Recordings/<sid>.wav with HTTP Basic auth, DELETE .../Recordings/<sid>.json."""
from __future__ import annotations

import base64
import re
import threading

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

PATH = re.compile(r"^/2010-04-01/Accounts/(AC\w+)/Recordings/(RE\w+)\.(wav|json)$")


class MediaServer:
    def __init__(self, account_sid: str, auth_token: str) -> None:
        self.credentials = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self.account_sid = account_sid
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[int]] = {}  # sid -> statuses to answer before the file
        self.requests: list[tuple[str, str]] = []
        self.server = make_server("127.0.0.1", 0, self.wsgi, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def recording_url(self, sid: str) -> str:
        return f"https://api.twilio.com/2010-04-01/Accounts/{self.account_sid}/Recordings/{sid}"

    def wsgi(self, environ, start_response):
        request = Request(environ)
        self.requests.append((request.method, request.path))
        match = PATH.match(request.path)
        if request.headers.get("Authorization") != f"Basic {self.credentials}":
            response = Response('{"code": 20003, "message": "Authenticate", "status": 401}', 401,
                                mimetype="application/json")
        elif not match or match.group(2) not in self.files:
            response = Response('{"code": 20404, "message": "not found", "status": 404}', 404,
                                mimetype="application/json")
        elif request.method == "DELETE" and match.group(3) == "json":
            del self.files[match.group(2)]
            response = Response(status=204)
        elif self.failures.get(match.group(2)):
            status = self.failures[match.group(2)].pop(0)
            response = Response(f'{{"status": {status}}}', status, mimetype="application/json")
        else:
            response = Response(self.files[match.group(2)], mimetype="audio/x-wav")
        return response(environ, start_response)

    def stop(self) -> None:
        self.server.shutdown()
