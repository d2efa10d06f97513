"""The one TwiML reader: what a webhook answered, parsed with ElementTree, and the URLs in it."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit


def twiml(response) -> ET.Element:
    """The <Response> of a webhook's answer (a Flask test response), after checking it is TwiML."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/xml", response.get_data(as_text=True)
    root = ET.fromstring(response.get_data(as_text=True))
    assert root.tag == "Response", response.get_data(as_text=True)
    return root


def query(url: str) -> dict[str, str]:
    """A URL's query string as a dictionary (the first value of each name)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def path_and_query(url: str) -> str:
    """What to post to the test client for an absolute URL the TwiML names (Twilio would request it)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Twiml:
    """A webhook's answer read the way Twilio reads it: the verbs in order, the Gather, what is said."""

    def __init__(self, response) -> None:
        self.root = twiml(response)

    @property
    def verbs(self) -> list[str]:
        return [child.tag for child in self.root]

    @property
    def gather(self) -> ET.Element | None:
        return self.root.find("Gather")

    def said(self) -> str:
        return " ".join(say.text or "" for say in self.root.iter("Say"))

    def says(self) -> list[ET.Element]:
        return list(self.root.iter("Say"))

    def redirect(self) -> str | None:
        found = self.root.find("Redirect")
        return found.text if found is not None else None

    def redirect_query(self) -> dict[str, str]:
        url = self.redirect()
        assert url is not None
        return query(url)
