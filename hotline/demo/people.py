"""The demo's people: an agent record (through the routing API, as a supervisor would create it) and
two users who sign in to the pages (through the users API, as an admin would), each with a fresh
password printed once. Both through HTTP: the plumbing imports no area."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import requests

from hotline.api.auth import mint_token

DEMO_ADDRESS = "client:demo"
DEMO_AGENT = {"name": "演示坐席 Demo", "address": DEMO_ADDRESS, "languages": ["zh-CN", "en-US"],
              "skills": {"inquiry": 4, "problem": 4, "complaint": 4, "urgent": 4, "aftersales": 4, "night": 4}}


class DemoError(RuntimeError):
    """The demo cannot go on; the message is one line saying why."""


@dataclass(frozen=True)
class SignIn:
    login: str
    password: str
    role: str
    page: str


def ensure_agent(base_url: str, token: str) -> int:
    """The demo agent's id, created on the first run and made available on every run."""
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{base_url}/api/agents"
    try:
        agents = requests.get(api, headers=headers, timeout=10)
        agents.raise_for_status()
        existing = [a for a in agents.json()["agents"] if a["address"] == DEMO_ADDRESS]
        if existing:
            agent_id = existing[0]["id"]
            if existing[0]["status"] != "available":
                requests.patch(f"{api}/{agent_id}", json={"status": "available"}, headers=headers,
                               timeout=10).raise_for_status()
            return agent_id
        created = requests.post(api, json={**DEMO_AGENT, "status": "available"}, headers=headers, timeout=10)
        created.raise_for_status()
        return created.json()["id"]
    except requests.RequestException as exc:
        raise DemoError(f"the agents API at {api} refused the demo agent: {exc}") from None


def ensure_users(base_url: str, token: str, agent_id: int) -> list[SignIn]:
    """demo.agent (the desk of the demo agent) and demo.lead (supervisor: the supervisor and QA pages),
    each with a new random password: changed (and unlocked) when the user exists, created otherwise."""
    headers = {"Authorization": f"Bearer {token}"}
    api = f"{base_url}/api/users"
    people = [("demo.agent", "演示坐席 Demo Agent", "agent", agent_id, "/desk"),
              ("demo.lead", "演示班长 Demo Lead", "supervisor", None, "/supervisor")]
    signins = []
    try:
        for login, name, role, agent, page in people:
            password = secrets.token_urlsafe(9)
            changed = requests.patch(f"{api}/{login}", headers=headers, timeout=10,
                                     json={"password": password, "role": role, "agent_id": agent, "active": True,
                                           "unlock": True})
            if changed.status_code == 404:
                changed = requests.post(api, headers=headers, timeout=10,
                                        json={"login": login, "name": name, "password": password, "role": role,
                                              "agent_id": agent})
            changed.raise_for_status()
            signins.append(SignIn(login, password, role, page))
    except requests.RequestException as exc:
        raise DemoError(f"the users API at {api} refused the demo's people: {exc}") from None
    return signins


def demo_token() -> str:
    """A new admin API token for the demo (HOTLINE_ADMIN_TOKEN is used instead when it is set); the
    caller commits."""
    _, secret = mint_token("demo", "admin")
    return secret
