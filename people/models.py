"""People who sign in to the pages: agents, QA reviewers, supervisors and admins."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base

ROLES = ("agent", "qa", "supervisor", "admin")
LANGUAGES = ("zh-CN", "en-US")


class User(Base):
    """A person with a login. Agents point at their routing agent record through `agent_id`.

    `session_version` is copied into the signed session cookie; bumping it (sign-out, new password,
    deactivation, role change) ends every session of the user at once, on every machine.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    agent_id: Mapped[int | None] = mapped_column(unique=True)
    language: Mapped[str] = mapped_column(String(10), default="zh-CN")
    active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    session_version: Mapped[int] = mapped_column(default=1)
    last_signin_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=now)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

    def has_role(self, *roles: str) -> bool:
        """Admins may do anything; others need one of `roles` (no roles: any signed-in user)."""
        return not roles or self.role == "admin" or self.role in roles

    def to_dict(self) -> dict:
        return {
            "id": self.id, "login": self.login, "name": self.name, "role": self.role,
            "agent_id": self.agent_id, "language": self.language, "active": self.active,
            "locked_until": self.locked_until.isoformat() if self.locked_until else None,
            "last_signin_at": self.last_signin_at.isoformat() if self.last_signin_at else None,
            "created_at": self.created_at.isoformat(),
        }
