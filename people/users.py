"""Creating and changing users, shared by the API and the `hotline users` commands."""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from people.models import LANGUAGES, ROLES, User
from people.passwords import hash_password, password_problem
from hotline.clock import now

_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,59}$")


class UserError(ValueError):
    """A field of a user request is wrong; `str()` is "field: what is wrong"."""

    def __init__(self, field: str, message: str, status: int = 422) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.status = status


def normalise_login(login: str) -> str:
    return login.strip().lower()


def find_user(session: Session, login: str) -> User | None:
    return session.scalars(select(User).where(User.login == normalise_login(login))).first()


def create_user(session: Session, *, login: Any, name: Any, password: Any, role: Any,
                agent_id: Any = None, language: Any = "zh-CN") -> User:
    """Validate and add a user (the caller commits). Agents must name their agent record."""
    if not isinstance(login, str) or not _LOGIN.match(normalise_login(login)):
        raise UserError("login", "2-60 characters: letters, digits, '.', '_', '@' or '-'")
    login = normalise_login(login)
    if not isinstance(name, str) or not name.strip() or len(name) > 120:
        raise UserError("name", "required, at most 120 characters")
    if role not in ROLES:
        raise UserError("role", f"must be one of {', '.join(ROLES)}")
    problem = password_problem(password, login)
    if problem:
        raise UserError("password", problem)
    _check_agent_id(session, role, agent_id, None)
    if language not in LANGUAGES:
        raise UserError("language", f"must be one of {', '.join(LANGUAGES)}")
    if find_user(session, login) is not None:
        raise UserError("login", f"{login!r} is taken", status=409)
    user = User(login=login, name=name.strip(), password_hash=hash_password(password), role=role,
                agent_id=agent_id, language=language, password_changed_at=now())
    session.add(user)
    session.flush()
    return user


def update_user(session: Session, user: User, changes: dict[str, Any]) -> User:
    """Apply an admin's changes; anything that changes what the user may do ends their sessions."""
    unknown = set(changes) - {"name", "role", "agent_id", "language", "password", "active", "unlock"}
    if unknown:
        raise UserError(sorted(unknown)[0], "not a field that can be changed")
    end_sessions = False
    if "name" in changes:
        if not isinstance(changes["name"], str) or not changes["name"].strip():
            raise UserError("name", "required, at most 120 characters")
        user.name = changes["name"].strip()
    role = changes.get("role", user.role)
    if role not in ROLES:
        raise UserError("role", f"must be one of {', '.join(ROLES)}")
    agent_id = changes.get("agent_id", user.agent_id)
    _check_agent_id(session, role, agent_id, user.id)
    if role != user.role or agent_id != user.agent_id:
        user.role, user.agent_id, end_sessions = role, agent_id, True
    if "language" in changes:
        set_language(user, changes["language"])
    if "password" in changes:
        set_password(user, changes["password"])
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            raise UserError("active", "must be true or false")
        end_sessions = end_sessions or user.active != changes["active"]
        user.active = changes["active"]
    if changes.get("unlock"):
        user.failed_attempts, user.locked_until = 0, None
    if end_sessions:
        user.session_version += 1
    return user


def set_password(user: User, password: Any) -> None:
    problem = password_problem(password, user.login)
    if problem:
        raise UserError("password", problem)
    user.password_hash = hash_password(password)
    user.password_changed_at = now()
    user.failed_attempts, user.locked_until = 0, None
    user.session_version += 1


def set_language(user: User, language: Any) -> None:
    if language not in LANGUAGES:
        raise UserError("language", f"must be one of {', '.join(LANGUAGES)}")
    user.language = language


def _check_agent_id(session: Session, role: str, agent_id: Any, user_id: int | None) -> None:
    if agent_id is not None and (not isinstance(agent_id, int) or isinstance(agent_id, bool) or agent_id < 1):
        raise UserError("agent_id", "must be a positive integer")
    if role == "agent" and agent_id is None:
        raise UserError("agent_id", "required for an agent: the agent record this person is")
    if agent_id is not None:
        taken = session.scalar(select(func.count()).select_from(User)
                               .where(User.agent_id == agent_id, User.id != (user_id or 0)))
        if taken:
            raise UserError("agent_id", f"agent {agent_id} already belongs to another user", status=409)
