"""Customers (identified by phone number) and their tickets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hotline.clock import now
from hotline.db import Base


class Customer(Base):
    """A caller we know. Greeted by title and surname only ("王女士", "Ms Wang"), never more."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)  # E.164
    name: Mapped[str | None] = mapped_column(String(120))
    surname: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(10))  # "mr" | "ms"
    customer_number: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(10))  # zh-CN | en-US
    timezone: Mapped[str | None] = mapped_column(String(40))
    vip: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
