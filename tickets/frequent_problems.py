"""The weekly report of frequent problems (the manuals: 每周汇总高频问题, for the service-business
meeting): the tickets opened in one ISO week of the center's zone, counted by category and
department in one GROUP BY over ix_tickets_created_at_id, with what the departments did with theirs."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Iterable, Iterator

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from hotline.contracts import Department
from hotline.local_time import day_start
from tickets.models import Ticket
from tickets.transitions import OPEN_STATUSES

COLUMNS = ("category", "department", "department_name", "tickets", "open", "handed_off", "replied",
           "reply_late", "breached")


def _count(condition) -> Any:
    return func.sum(case((condition, 1), else_=0))


def build(session: Session, monday: date, zone: str, departments: Iterable[Department]) -> dict[str, Any]:
    start, end = day_start(monday, zone), day_start(monday + timedelta(days=7), zone)
    names = {d.key: d for d in departments}
    rows = session.execute(
        select(Ticket.category, Ticket.department, func.count(),
               _count(Ticket.status.in_(sorted(OPEN_STATUSES))),
               _count(Ticket.handed_off_at.is_not(None)),
               _count(Ticket.department_reply_at.is_not(None)),
               _count(Ticket.reply_sla.in_(("missed", "breached"))),
               _count(Ticket.breached.is_(True)))
        .where(Ticket.created_at >= start, Ticket.created_at < end)
        .group_by(Ticket.category, Ticket.department)).all()
    problems = []
    for category, key, *counts in rows:
        department = names.get(key)
        problems.append({"category": category, "department": key,
                         "department_name": {"zh-CN": department.name_zh, "en-US": department.name_en}
                         if department else None,
                         **dict(zip(COLUMNS[3:], (int(c or 0) for c in counts)))})
    problems.sort(key=lambda row: (-row["tickets"], row["category"], row["department"] or ""))
    by_category: dict[str, int] = {}
    by_department: dict[str, int] = {}
    for row in problems:
        by_category[row["category"]] = by_category.get(row["category"], 0) + row["tickets"]
        if row["department"]:
            by_department[row["department"]] = by_department.get(row["department"], 0) + row["tickets"]
    iso = monday.isocalendar()
    return {"week": f"{iso.year}-W{iso.week:02d}", "from": monday.isoformat(),
            "to": (monday + timedelta(days=6)).isoformat(), "total": sum(r["tickets"] for r in problems),
            "by_category": dict(sorted(by_category.items(), key=lambda kv: -kv[1])),
            "by_department": dict(sorted(by_department.items(), key=lambda kv: -kv[1])), "problems": problems}


def csv_rows(report: dict[str, Any]) -> Iterator[list[Any]]:
    yield ["week", *COLUMNS]
    for row in report["problems"]:
        name = row["department_name"]["zh-CN"] if row["department_name"] else ""
        yield [report["week"], row["category"], row["department"] or "", name,
               *(row[c] for c in COLUMNS[3:])]
