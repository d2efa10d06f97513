"""A year of a large center's data in PostgreSQL, and what every interactive read and periodic job costs
at that size (issue 14).

    PYTHONSAFEPATH=1 PYTHONPATH=. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_bench \\
        python bench/data_scale.py --drop-schema --sizes 10000,100000,1000000 [--mode http|inprocess|both]
        [--repeat 20] [--before] [--explain [--plans]] [--only WORD]

DROPS AND RECREATES the schema of DATABASE_URL (PostgreSQL only), so it runs only when told so with
--drop-schema (`make bench` runs it without and it says it skipped).

For each size N in --sizes: the schema from the migrations (`hotline db upgrade`); the rows generated
inside the database with generate_series (no round trips), with the secondary indexes dropped during the
load and built again after it (same definitions, read from pg_indexes), then one VACUUM ANALYZE:
N tickets over the last 12 months, calls 1.5 N, call events 10 per call, customers N / 2 (1 % of them
make 10 % of the calls), 50 agents with an offer, a routed call and two agent events per call, a
recording per call (older than 90 days already purged), transcripts for 30 % of the calls (with their
search vectors), ticket events 3 per ticket and revisits for 20 % of the resolved tickets.

Then every case (CASE_BLOCKS below) is run once to warm up and --repeat times timed; median and p95
(of 20 runs: the slowest). The reports (slow=True: minutes each at 1M until other branches' aggregate
and streaming work) get --slow-repeat timed runs and no warm-up. --mode http (the default, as the issue measured) starts gunicorn with sync
workers on this database and times real HTTP requests (requests.Session, keep-alive; the agent and the
supervisor signed in through the form, the API with the admin token, webhooks signed); --mode inprocess
goes through the Flask test client (the ORM included, HTTP and gunicorn excluded); both runs both.
Periodic jobs (SLA sweep, retention purge) run in this process in an app context in every mode, as a
worker runs them. In http mode the 12-month ticket export's peak RSS growth is read from a fresh
gunicorn worker's VmHWM (reset through /proc/<pid>/clear_refs before the request).

At the end: one table per mode, case x size, median / p95 in ms, the growth of the median between
consecutive sizes, and whether the issue's p95 target is met at the largest size.
--before: each size is also timed with the issue-14 index migrations downgraded (then upgraded again).
--explain prints, per case, each statement's execution time and the scans it used (--plans: whole plans).

Adding cases: write a function `def my_cases(fx: Fixture) -> list[Case]` next to the others and add it
to CASE_BLOCKS; a Case's `run` gets a Client (`get(who, path)`, `webhook(path, params)`, `job(func)`).
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package

ROOT = Path(__file__).resolve().parent.parent
AGENTS = 50
ADMIN_TOKEN = "bench-admin-token"
TWILIO_TOKEN = "bench-twilio-token"
PASSWORD = "bench password 1"
INDEX_REVISIONS = {"hotline": "hotline_0002", "tickets": "tickets_0003", "routing": "routing_0001",
                   "recordings": "recordings_0003", "transcription": "transcription_0001"}
# The transcripts' texts (one per transcript, in turn): 退款 and 律师 often, 消费者协会 in one of six.
TEXTS = ["agent: 您好，这里是热线服务中心\ncaller: 我的宽带断了，想申请退款",
         "agent: 你好\ncaller: 我要投诉你们的客服态度",
         "caller: 请问账单什么时候出\nagent: 请稍等我帮您查询一下",
         "caller: 我已经打过三次电话了，还是没有解决，我要去消费者协会投诉",
         "caller: 律师说这个合同有问题",
         "caller: I want a refund for my order\nagent: 已为您提交工单"]

GENERATE = [
    # The rows are consistent by construction; skipping the per-row foreign key triggers (superuser
    # only) roughly halves the load of the large tables.
    "SET LOCAL session_replication_role = replica",
    "SELECT setseed(0.14)",
    """INSERT INTO agents (id, name, address, skills, languages, status, status_since, created_at, updated_at)
       SELECT a, 'agent ' || a, 'client:agent' || a, '{"inquiry": 3, "complaint": 2}', '["zh-CN", "en-US"]',
              'available', now(), now() - interval '400 days', now()
       FROM generate_series(1, :agents) a""",
    """INSERT INTO customers (id, phone, name, surname, title, language, vip, created_at, updated_at)
       SELECT c, '+86138' || lpad(c::text, 8, '0'), '王' || c, '王', CASE WHEN c % 2 = 0 THEN 'ms' ELSE 'mr' END,
              CASE WHEN c % 10 = 0 THEN 'en-US' ELSE 'zh-CN' END, c % 97 = 0,
              now() - interval '400 days', now()
       FROM generate_series(1, :n / 2) c""",
    # Skewed callers: 10 % of the calls come from 1 % of the customers (about 30 calls a year each).
    """INSERT INTO calls (id, sid, direction, from_number, to_number, status, language, duration_seconds,
                          created_at, answered_at, ended_at, updated_at)
       SELECT i, 'CA' || md5(i::text), CASE WHEN i % 20 = 0 THEN 'outbound-api' ELSE 'inbound' END,
              CASE WHEN i % 20 = 0 THEN '+864001234567' ELSE phone END,
              CASE WHEN i % 20 = 0 THEN phone ELSE '+864001234567' END,
              'completed', 'zh-CN', 60 + (i % 600), at, at + interval '20 seconds', at + interval '5 minutes', at
       FROM (SELECT i, now() - (365 * (:n * 3 / 2 - i)::float / (:n * 3 / 2)) * interval '1 day' AS at,
                    '+86138' || lpad((1 + floor(CASE WHEN random() < 0.1 THEN :n / 200 ELSE :n / 2 - 1 END
                                                    * random()))::int::text, 8, '0') AS phone
             FROM generate_series(1, :n * 3 / 2) i) s""",
    """INSERT INTO call_events (call_id, at, kind, data)
       SELECT c.id, c.created_at + e * interval '3 seconds',
              (ARRAY['status', 'ivr', 'ivr', 'queued', 'offered', 'status', 'answered', 'recording', 'status',
                     'ended'])[e],
              CASE WHEN e IN (2, 3) THEN '{"node": "main", "input": "1", "via": "dtmf", "result": "next"}'::json
                   ELSE '{}'::json END
       FROM calls c CROSS JOIN generate_series(1, 10) e""",
    """INSERT INTO routed_calls (call_sid, queue, language, priority, vip, entered_at, outcome, offers, rings,
                                 agent_id, answered_at, ended_at, wrap_seconds)
       SELECT sid, (ARRAY['inquiry', 'complaint'])[1 + id % 2], 'zh-CN', 5, false, created_at + interval '10 s',
              'answered', 1, 2, 1 + id % :agents, answered_at, ended_at, 20 + id % 60
       FROM calls WHERE direction = 'inbound'""",
    """INSERT INTO routing_offers (call_sid, agent_id, offered_at, answered_at, ended_at, result)
       SELECT sid, 1 + id % :agents, created_at + interval '12 s',
              CASE WHEN id % 15 = 0 THEN NULL ELSE answered_at END, ended_at,
              CASE WHEN id % 15 = 0 THEN 'missed' ELSE 'answered' END
       FROM calls WHERE direction = 'inbound'""",
    """INSERT INTO agent_events (agent_id, at, status, previous, reason, call_sid)
       SELECT 1 + id % :agents, CASE WHEN k = 1 THEN answered_at ELSE ended_at END,
              CASE WHEN k = 1 THEN 'on_call' ELSE 'wrap_up' END, NULL, 'call', sid
       FROM calls CROSS JOIN generate_series(1, 2) k WHERE direction = 'inbound'""",
    """INSERT INTO recordings (sid, call_sid, source, twilio_status, duration_seconds, channels, created_at,
                               updated_at, status, path, size_bytes, download_attempts, stored_at, purged_at)
       SELECT 'RE' || md5(sid), sid, 'DialVerb', 'completed', duration_seconds, 2, ended_at, ended_at,
              CASE WHEN ended_at < now() - interval '91 days' THEN 'purged' ELSE 'stored' END,
              CASE WHEN ended_at < now() - interval '91 days' THEN NULL ELSE 'RE' || md5(sid) || '.wav' END,
              960000, 1, ended_at + interval '1 minute',
              CASE WHEN ended_at < now() - interval '91 days' THEN ended_at + interval '91 days' END
       FROM calls""",
    # bench_texts (made by generate(): TEXTS with their search vectors, as transcription/search_index.py
    # writes them) gives each transcript one of a few texts.
    """INSERT INTO transcripts (recording_id, call_sid, language, status, attempts, turns, text, redactions,
                                score, categories, flags, review_reason, search_vector, created_at, updated_at)
       SELECT r.id, r.call_sid, 'zh-CN', 'done', 1, '[]', s.body, '[]', 40 + r.id % 60,
              CASE WHEN r.id % 4 = 0 THEN ',complaint,' ELSE '' END, '',
              CASE WHEN r.id % 50 = 0 THEN 'complaint' WHEN r.id % 77 = 0 THEN 'low_score' END, s.vector,
              r.created_at + interval '2 minutes', r.created_at + interval '2 minutes'
       FROM recordings r JOIN bench_texts s ON s.n = r.id % (SELECT count(*) FROM bench_texts)
       WHERE r.id % 10 < 3""",
    # Ticket j was opened on call j; older than three days it is resolved (most) or closed, newer is open.
    """INSERT INTO tickets (id, number, customer_id, category, priority, assignee_id, description, status,
                            channel, language, callback_requested, waiting_customer, paused_seconds,
                            response_due, resolution_due, first_response_at, resolved_at, closed_at,
                            response_sla, resolution_sla, breached, created_by, created_at, updated_at, version)
       SELECT j, 'GD' || to_char(at, 'YYYYMMDD') || lpad(j::text, 8, '0'), c.id,
              (ARRAY['inquiry', 'problem', 'complaint', 'urgent', 'aftersales'])[1 + j % 5],
              (ARRAY['routine', 'normal', 'normal', 'normal', 'urgent'])[1 + j % 5], 1 + j % :agents, '宽带故障',
              CASE WHEN at > now() - interval '3 days' THEN (ARRAY['new', 'assigned', 'in_progress'])[1 + j % 3]
                   WHEN j % 3 = 0 THEN 'closed' ELSE 'resolved' END,
              'phone', 'zh-CN', false, false, 0, at + interval '2 hours', at + interval '3 days',
              CASE WHEN at > now() - interval '1 hour' THEN NULL ELSE at + interval '30 minutes' END,
              CASE WHEN at > now() - interval '3 days' THEN NULL ELSE at + interval '1 day' END,
              CASE WHEN at <= now() - interval '3 days' AND j % 3 = 0 THEN at + interval '2 days' END,
              CASE WHEN at > now() - interval '1 hour' THEN 'pending' ELSE 'met' END,
              CASE WHEN at > now() - interval '3 days' THEN 'pending' WHEN j % 20 = 0 THEN 'breached' ELSE 'met' END,
              at <= now() - interval '3 days' AND j % 20 = 0, 'system', at, at, 1
       FROM (SELECT id AS j, created_at AS at, from_number FROM calls WHERE id <= :n) k
       LEFT JOIN customers c ON c.phone = k.from_number""",
    "SELECT setval(pg_get_serial_sequence('tickets', 'id'), :n)",
    "SELECT setval(pg_get_serial_sequence('calls', 'id'), :n * 3 / 2)",
    "SELECT setval(pg_get_serial_sequence('customers', 'id'), :n / 2)",
    "SELECT setval(pg_get_serial_sequence('agents', 'id'), :agents)",
    """INSERT INTO ticket_calls (ticket_id, call_sid, attached_at, attached_by, reason)
       SELECT t.id, c.sid, t.created_at, 'system', 'new_ticket' FROM tickets t JOIN calls c ON c.id = t.id""",
    """INSERT INTO ticket_events (ticket_id, at, actor, kind, data)
       SELECT id, created_at, 'system', 'created', '{}'::json FROM tickets
       UNION ALL SELECT id, created_at + interval '5 minutes', 'agent:' || assignee_id, 'note',
                        '{"text": "已指导重启路由器"}'::json FROM tickets
       UNION ALL SELECT id, resolved_at, 'agent:' || assignee_id, 'status', '{"status": "resolved"}'::json
                 FROM tickets WHERE resolved_at IS NOT NULL""",
    """INSERT INTO revisits (ticket_id, round, ticket_number, phone, language, timezone, category, agent_id, state,
                             attempts, call_attempts, resolved_at, deadline_at, channel, solved, score,
                             transferred, clarified, reopened, completed_at, created_at, updated_at)
       SELECT t.id, 1, t.number, c.phone, 'zh-CN', 'Asia/Shanghai', t.category, t.assignee_id, 'completed', 1, 3,
              t.resolved_at, t.resolved_at + interval '3 days', 'call', true, 1 + t.id % 5, false, false, false,
              t.resolved_at + interval '1 day', t.resolved_at, t.resolved_at
       FROM tickets t JOIN customers c ON c.id = t.customer_id WHERE t.resolved_at IS NOT NULL AND t.id % 5 = 0""",
]




# ---------------------------------------------------------------------------------------------- data


def generate(database_url: str, tickets: int) -> dict[str, float]:
    """The rows of GENERATE, with the secondary indexes built after the load; phases timed (s)."""
    from sqlalchemy import create_engine, text

    from transcription.segmentation import searchable_text

    engine = create_engine(database_url)
    phases: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as connection:
        # Indexes no constraint owns (primary keys and unique constraints stay: the load relies on them).
        indexes = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)")).all()
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        connection.execute(text("CREATE TEMP TABLE bench_texts (n int, body text, vector tsvector) ON COMMIT DROP"))
        # The vector as transcription/search_index.py writes it: jieba's words, then the English parser's.
        connection.execute(text("INSERT INTO bench_texts SELECT :n, :body, CAST(:han AS tsvector) || "
                                "to_tsvector('english'::regconfig, :latin)"), [
            {"n": n, "body": body, "han": words.tsvector_literal(), "latin": words.latin}
            for n, body in enumerate(TEXTS) for words in [searchable_text(body)]])
        for statement in GENERATE:
            connection.execute(text(statement), {"n": tickets, "agents": AGENTS})
        phases["load"] = time.perf_counter() - started
        connection.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
        for _, definition in indexes:
            connection.execute(text(definition))
        phases["indexes"] = time.perf_counter() - started - phases["load"]
        # The IVR report reads each call's outcome (ivr_calls), which settling writes and the
        # migration ivr_0001 backfills from the events: rows generated here get it the same way.
        from ivr.outcome import backfill

        backfill(connection)
        phases["ivr outcomes"] = time.perf_counter() - started - phases["load"] - phases["indexes"]
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        phases["vacuum"] = time.perf_counter() - started - sum(phases.values())
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in (
            "tickets", "calls", "call_events", "customers", "routing_offers", "transcripts", "ticket_events")}
    engine.dispose()
    print(f"generated {tickets:,} tickets in {sum(phases.values()):.0f} s ("
          + ", ".join(f"{k} {v:.0f} s" for k, v in phases.items()) + f", {len(indexes)} indexes built after): "
          + ", ".join(f"{k} {v:,}" for k, v in counts.items()), flush=True)
    return phases


def generated_size(database_url: str) -> int | None:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(text("SELECT count(*) FROM tickets"))
    except Exception:  # no schema yet
        return None
    finally:
        engine.dispose()


def reset_schema(database_url: str) -> None:
    from sqlalchemy import create_engine, text

    from hotline.migrate import upgrade

    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(database_url)


def set_indexes(database_url: str, present: bool) -> None:
    """Downgrade (or upgrade again) the issue-14 index migrations, then refresh the statistics."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from hotline.migrate import alembic_config

    config = alembic_config(database_url)
    if present:
        command.upgrade(config, "heads")
    else:
        for revision in INDEX_REVISIONS.values():
            command.downgrade(config, revision)
    engine = create_engine(database_url)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()


# --------------------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Fixture:
    """What the cases' URLs need to know about the generated data."""

    agent_id: int  # on a call with the busiest caller: the desk's heaviest screen pop
    phone: str  # that caller
    today: date  # the center's
    month: tuple[date, date]  # the last whole month
    year: tuple[date, date]  # the last 366 days
    deep_cursor: str  # /api/tickets after 400 pages of 25
    last_cursor: str  # /api/tickets: the page holding the 25 oldest tickets


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[["Client"], Any]
    target_ms: float | None = None  # the p95 target at 1M tickets; None: measured (reports: other branches)
    # At most this many timed runs and no warm-up run (--slow-repeat): reports that take minutes at 1M
    # before the aggregate/streaming work of other branches; a few runs still show their growth.
    slow: bool = False


def desk_cases(fx: Fixture) -> list[Case]:
    return [
        Case("desk state poll (agent on a call)", lambda c: c.get("agent", f"/desk/agents/{fx.agent_id}/state"), 30),
        Case("supervisor live data", lambda c: c.get("supervisor", "/supervisor/live.json"), 30),
    ]


def ticket_cases(fx: Fixture) -> list[Case]:
    week = f"from={fx.today - timedelta(days=6)}&to={fx.today}"
    return [
        Case("GET /api/customers/<phone>", lambda c: c.get("admin", f"/api/customers/{fx.phone}"), 50),
        Case("GET /api/tickets page 1", lambda c: c.get("admin", "/api/tickets"), 50),
        Case("GET /api/tickets a week", lambda c: c.get("admin", f"/api/tickets?{week}"), 50),
        Case("GET /api/tickets?breached=true", lambda c: c.get("admin", "/api/tickets?breached=true"), 50),
        Case("GET /api/tickets deep page (cursor, row 10,000)",
             lambda c: c.get("admin", f"/api/tickets?after={fx.deep_cursor}"), 50),
        Case("GET /api/tickets last page (cursor)", lambda c: c.get("admin", f"/api/tickets?after={fx.last_cursor}"), 50),
    ]


def qa_cases(fx: Fixture) -> list[Case]:
    return [
        *(Case(f"QA search {label}", lambda c, q=q: c.get("admin", f"/api/qa/search?q={q}"), 100)
          for label, q in (("退款", "退款"), ("消费者协会", "消费者协会"), ("律师 (2 characters)", "律师"),
                           ("no match", "xylophonist"))),
        Case("QA queue", lambda c: c.get("admin", "/api/qa/queue"), 100),
    ]


def report_cases(fx: Fixture) -> list[Case]:
    month = f"from={fx.month[0]}&to={fx.month[1]}"
    year = f"from={fx.year[0]}&to={fx.year[1]}&period=month"
    return [
        Case("service level, a month", lambda c: c.get(
            "admin", f"/api/metrics/service-level?from={fx.month[0]}&to={fx.month[1] + timedelta(days=1)}"), slow=True),
        Case("ticket report, a month", lambda c: c.get("admin", f"/api/reports/tickets?{month}"), slow=True),
        Case("ticket report, 12 months by month", lambda c: c.get("admin", f"/api/reports/tickets?{year}"),
             slow=True),
        Case("ticket export CSV, 12 months", lambda c: c.get("admin", f"/api/reports/tickets?{year}&format=csv"),
             slow=True),
        Case("IVR report, 7 days", lambda c: c.get("admin", "/api/reports/ivr"), slow=True),
    ]


def kpi_cases(fx: Fixture) -> list[Case]:
    """The supervisor's center (issue 18): a month's KPI pack with a year of data, median < 500 ms."""
    month = f"from={fx.month[0]}&to={fx.month[1]}"
    return [
        Case("KPI pack, a month", lambda c: c.get("admin", f"/api/metrics/kpis?{month}"), 500),
        Case("KPI pack, a month by day per queue", lambda c: c.get("admin", f"/api/metrics/kpis?{month}&by=day"
                                                                             "&group=queue"), 500),
        Case("KPI pack, a month per agent (CSV)", lambda c: c.get("admin", f"/api/metrics/kpis?{month}&group=agent"
                                                                            "&format=csv"), 500),
        Case("KPI pack, 12 months by month", lambda c: c.get(
            "admin", f"/api/metrics/kpis?from={fx.year[0]}&to={fx.year[1]}&by=month"), slow=True),
        Case("staffing plan, a week from tomorrow", lambda c: c.get("admin", "/api/staffing?days=7")),
    ]


def webhook_cases(fx: Fixture) -> list[Case]:
    def arrival(client: Client) -> Any:
        sid = "CA" + uuid.uuid4().hex
        return client.webhook("/voice/incoming", {
            "AccountSid": "AC" + "0" * 32, "CallSid": sid, "CallStatus": "ringing", "Direction": "inbound",
            "From": f"+86139{int(sid[2:10], 16) % 10 ** 8:08d}", "To": "+864001234567"})

    return [Case("IVR arrival webhook (POST /voice/incoming)", arrival)]


def job_cases(fx: Fixture) -> list[Case]:
    from recordings.retention import purge_expired_recordings
    from tickets.sweep import sweep_sla

    return [Case("SLA sweep (job)", lambda c: c.job(sweep_sla), 20),
            Case("retention purge (job)", lambda c: c.job(purge_expired_recordings))]


CASE_BLOCKS: list[Callable[[Fixture], list[Case]]] = [
    desk_cases, ticket_cases, qa_cases, report_cases, kpi_cases, webhook_cases, job_cases]
# The case whose peak memory is read (issue 14: a 12-month export streams with < 50 MiB growth).
RSS_CASE = "ticket export CSV, 12 months"


def all_cases(fx: Fixture, only: str = "") -> list[Case]:
    return [case for block in CASE_BLOCKS for case in block(fx) if only.lower() in case.name.lower()]


def prepare(app) -> Fixture:
    """Put agent 1 on a call with the busiest caller, add the bench's users, find the cursors."""
    from sqlalchemy import text

    from hotline import db
    from people.users import create_user
    from hotline.clock import now
    from hotline.local_time import local_day
    from tickets.api import TICKET_ORDER

    with app.app_context():
        session = db.session()
        # Their latest call that has a ticket (call j has ticket j): the pop shows the ticket and its notes.
        busiest = session.execute(text("SELECT from_number, max(id) FILTER (WHERE id <= (SELECT max(id) FROM "
                                       "tickets)) FROM calls WHERE direction = 'inbound' "
                                       "GROUP BY from_number ORDER BY count(*) DESC LIMIT 1")).one()
        sid = session.scalar(text("SELECT sid FROM calls WHERE id = :id"), {"id": busiest[1]})
        session.execute(text("UPDATE agents SET status = 'on_call', status_since = now() WHERE id = 1"))
        session.execute(text("INSERT INTO agent_events (agent_id, at, status, reason, call_sid) "
                             "VALUES (1, now(), 'on_call', 'call', :sid)"), {"sid": sid})
        session.execute(text("UPDATE routed_calls SET agent_id = 1 WHERE call_sid = :sid"), {"sid": sid})
        for login, role, agent_id in (("bench.agent", "agent", 1), ("bench.supervisor", "supervisor", None)):
            if session.scalar(text("SELECT id FROM users WHERE login = :l"), {"l": login}) is None:
                create_user(session, login=login, name=login, password=PASSWORD, role=role, agent_id=agent_id)

        def cursor(order: str, offset: int) -> str:
            created_at, ticket_id = session.execute(text(
                f"SELECT created_at, id FROM tickets ORDER BY created_at {order}, id {order} OFFSET :o LIMIT 1"),
                {"o": offset}).one()
            return TICKET_ORDER.encode(SimpleNamespace(created_at=created_at, id=ticket_id))

        count = session.scalar(text("SELECT count(*) FROM tickets"))
        deep, last = cursor("DESC", min(400 * 25 - 1, count // 2)), cursor("ASC", min(25, count - 1))
        session.commit()
        today = local_day(now(), app.config["HOTLINE_SETTINGS"].timezone)
    month_end = today.replace(day=1) - timedelta(days=1)
    return Fixture(1, busiest[0], today, (month_end.replace(day=1), month_end),
                   (today - timedelta(days=365), today), deep, last)


# ------------------------------------------------------------------------------------------- clients


class Client:
    """Runs a case's requests: `get(who, path)` (who: admin, agent or supervisor), `webhook(path, params)`
    (signed as Twilio signs), `job(func)` (in this process, in an app context)."""

    mode = ""

    def __init__(self, app) -> None:
        self.app = app
        self.base = app.config["HOTLINE_SETTINGS"].public_base_url

    def job(self, func: Callable[[], Any]) -> Any:
        with self.app.app_context():
            return func()

    def signature(self, path: str, params: dict[str, str]) -> str:
        from twilio.request_validator import RequestValidator

        return RequestValidator(TWILIO_TOKEN).compute_signature(self.base + path, params)

    def serving_pids(self) -> list[int]:
        return [os.getpid()]

    def close(self) -> None:
        pass


def _check(path: str, status: int, body: bytes) -> bytes:
    if status != 200:
        raise RuntimeError(f"{path}: HTTP {status}: {body[:200]!r}")
    return body


class InProcessClient(Client):
    mode = "in-process"

    def __init__(self, app) -> None:
        super().__init__(app)
        self.clients = {"admin": app.test_client(), "agent": app.test_client(), "supervisor": app.test_client()}
        for who in ("agent", "supervisor"):
            client = self.clients[who]
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/signin").get_data(as_text=True))
            reply = client.post("/signin", data={"login": f"bench.{who}", "password": PASSWORD,
                                                 "csrf_token": token.group(1)})
            assert reply.status_code in (302, 303), reply.status_code

    def get(self, who: str, path: str) -> bytes:
        headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"} if who == "admin" else {}
        reply = self.clients[who].get(path, headers=headers)
        return _check(path, reply.status_code, reply.get_data())

    def webhook(self, path: str, params: dict[str, str]) -> bytes:
        reply = self.clients["admin"].post(path, data=params,
                                           headers={"X-Twilio-Signature": self.signature(path, params)})
        return _check(path, reply.status_code, reply.get_data())


class HttpClient(Client):
    """gunicorn (sync workers) on this database, as a deployment serves it; requests over keep-alive."""

    mode = "http"

    def __init__(self, app, env: dict[str, str], workers: int) -> None:
        import requests

        super().__init__(app)
        port = int(self.base.rsplit(":", 1)[1])
        self.server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "sync", "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "300", "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(self.base + "/healthz", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not start (exit {self.server.poll()})")
            time.sleep(0.2)
        self.sessions = {who: requests.Session() for who in ("admin", "agent", "supervisor")}
        self.sessions["admin"].headers["Authorization"] = f"Bearer {ADMIN_TOKEN}"
        for who in ("agent", "supervisor"):
            session = self.sessions[who]
            token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(self.base + "/signin").text)
            reply = session.post(self.base + "/signin", allow_redirects=False, data={
                "login": f"bench.{who}", "password": PASSWORD, "csrf_token": token.group(1)})
            assert reply.status_code in (302, 303), reply.status_code

    def get(self, who: str, path: str) -> bytes:
        reply = self.sessions[who].get(self.base + path, timeout=300)
        return _check(path, reply.status_code, reply.content)

    def webhook(self, path: str, params: dict[str, str]) -> bytes:
        reply = self.sessions["admin"].post(self.base + path, data=params, timeout=30,
                                            headers={"X-Twilio-Signature": self.signature(path, params)})
        return _check(path, reply.status_code, reply.content)

    def serving_pids(self) -> list[int]:
        children = Path(f"/proc/{self.server.pid}/task/{self.server.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def close(self) -> None:
        for session in self.sessions.values():
            session.close()
        self.server.send_signal(signal.SIGTERM)
        try:
            self.server.wait(30)
        except subprocess.TimeoutExpired:
            self.server.kill()
            self.server.wait()


def export_rss_growth_mib(app, env: dict[str, str], cases: list[Case]) -> float | None:
    """How much a fresh gunicorn worker's peak RSS grows serving RSS_CASE once: its VmHWM (reset through
    clear_refs after a first small request loaded the app) minus its RSS before. A worker that served
    other reports first would hide the growth in memory it already holds."""
    case = next((c for c in cases if c.name == RSS_CASE), None)
    if case is None:
        return None
    client = HttpClient(app, env, workers=1)

    def status(pid: int, key: str) -> int:
        line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith(key + ":"))
        return int(line.split()[1])

    try:
        client.get("admin", "/api/tickets")
        (pid,) = client.serving_pids()
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := the current RSS
        before = status(pid, "VmRSS")
        case.run(client)
        return (status(pid, "VmHWM") - before) / 1024
    except OSError:
        return None
    finally:
        client.close()


# -------------------------------------------------------------------------------------------- timing


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


@dataclass
class Run:
    """One mode's timings at one size: case -> milliseconds of each timed run."""

    times: dict[str, list[float]] = field(default_factory=dict)
    rss_mib: float | None = None
    load: tuple[float, float] = (0.0, 0.0)  # 1-minute load average before and after


def time_cases(client: Client, cases: list[Case], repeat: int, slow_repeat: int) -> Run:
    run = Run(load=(os.getloadavg()[0], 0.0))
    for case in cases:
        try:
            if not case.slow:
                case.run(client)  # warm caches and plans
            times = []
            for _ in range(min(repeat, slow_repeat) if case.slow else repeat):
                start = time.perf_counter()
                case.run(client)
                times.append((time.perf_counter() - start) * 1000)
        except RuntimeError as exc:
            print(f"   {case.name}: failed: {exc}", flush=True)
            continue
        run.times[case.name] = times
        print(f"   {case.name:52} median {statistics.median(times):9.1f}  p95 {percentile(times, 0.95):9.1f} ms",
              flush=True)
    run.load = (run.load[0], os.getloadavg()[0])
    return run


def explain(client: InProcessClient, cases: list[Case], show_plans: bool = False) -> None:
    """EXPLAIN ANALYZE every statement each case issues: its time and the scans it used."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from hotline import db

    for case in cases:
        captured = []

        def capture(conn, cursor, statement, parameters, context, executemany):
            if statement.lstrip().upper().startswith("SELECT"):
                captured.append((statement, parameters))

        event.listen(Engine, "before_cursor_execute", capture)
        try:
            case.run(client)
        finally:
            event.remove(Engine, "before_cursor_execute", capture)
        print(f"-- {case.name}: {len(captured)} SELECT statements")
        with client.app.app_context():
            connection = db.session().connection()
            for statement, parameters in captured:
                plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + statement,
                                                  parameters).scalars().all()
                scans = sorted({re.sub(r"\s*\(actual.*", "", line.strip().removeprefix("->  "))
                                for line in plan if " Scan " in line or line.strip().startswith(("Seq", "->  Seq"))})
                took = next((line for line in plan if line.startswith("Execution Time")), "")
                print(f"   {took:28} {'; '.join(scans)[:160]}   <- {' '.join(statement.split())[:70]}")
                if show_plans:
                    print("\n".join("      " + line for line in plan))
            db.session().rollback()


def print_table(label: str, runs: dict[int, Run], cases: list[Case], repeat: int) -> None:
    """Case x size: median / p95, the median's growth between sizes, the target at the largest size."""
    sizes = sorted(runs)
    largest = sizes[-1]
    loads = ", ".join(f"{size:,}: {runs[size].load[0]:.1f}-{runs[size].load[1]:.1f}" for size in sizes)
    print(f"\n{label}: PostgreSQL, {repeat} timed runs per case (the slow reports fewer), median / p95 in ms "
          f"(load average {loads})")
    growth = [f"× {a // 1000:,}k→{b // 1000:,}k" for a, b in zip(sizes, sizes[1:])]
    print("| case | target p95 | " + " | ".join(f"{size:,}" for size in sizes) + "".join(f" | {g}" for g in growth)
          + f" | at {largest:,} |")
    print("|---|---:|" + "---:|" * (len(sizes) + len(growth)) + "---|")
    for case in cases:
        if not any(case.name in runs[size].times for size in sizes):
            continue
        medians = [statistics.median(runs[s].times[case.name]) if case.name in runs[s].times else None for s in sizes]
        cells = [f"{statistics.median(t):,.1f} / {percentile(t, 0.95):,.1f}" if (t := runs[s].times.get(case.name))
                 else "—" for s in sizes]
        ratios = [f"{b / a:.2f}" if a and b else "—" for a, b in zip(medians, medians[1:])]
        top = runs[largest].times.get(case.name)
        verdict = "—" if case.target_ms is None or not top else (
            "met" if percentile(top, 0.95) < case.target_ms else "**missed**")
        target = f"< {case.target_ms:g}" if case.target_ms else "—"
        print(f"| {case.name} | {target} | " + " | ".join(cells) + "".join(f" | {r}" for r in ratios)
              + f" | {verdict} |")
    for size in sizes:
        if runs[size].rss_mib is not None:
            print(f"{RSS_CASE} at {size:,}: peak RSS growth {runs[size].rss_mib:,.1f} MiB (target < 50)")


# ---------------------------------------------------------------------------------------------- main


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100000", help="tickets, comma-separated (e.g. 10000,100000,1000000)")
    parser.add_argument("--tickets", type=int, help="one size (the same as --sizes N)")
    parser.add_argument("--mode", choices=("http", "inprocess", "both"), default="http")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers in http mode")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--slow-repeat", type=int, default=3, help="timed runs of the slow reports (no warm-up)")
    parser.add_argument("--only", default="", help="only the cases whose name contains this")
    parser.add_argument("--before", action="store_true", help="also time without the issue-14 indexes")
    parser.add_argument("--explain", action="store_true", help="each case's statements: time and scans")
    parser.add_argument("--plans", action="store_true", help="with --explain: the whole plans")
    parser.add_argument("--reuse", action="store_true", help="keep the data already generated when it has "
                                                             "the size asked (its ticket count)")
    parser.add_argument("--drop-schema", action="store_true", help="agree that DATABASE_URL's schema is dropped")
    args = parser.parse_args()

    if not args.drop_schema or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: needs DATABASE_URL naming a PostgreSQL database and --drop-schema (its schema is dropped)")
        return
    from hotline import create_app
    from hotline.settings import Settings

    sizes = [args.tickets] if args.tickets else [int(s.replace("_", "")) for s in args.sizes.split(",")]
    modes = ("inprocess", "http") if args.mode == "both" else (args.mode,)
    workdir = Path(tempfile.mkdtemp(prefix="scale-bench-"))
    env = {"DATABASE_URL": os.environ["DATABASE_URL"], "HOTLINE_INSTANCE_DIR": str(workdir), "TELEPHONY": "sandbox",
           "HOTLINE_ADMIN_TOKEN": ADMIN_TOKEN, "SECRET_KEY": "bench-secret", "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
           "PUBLIC_BASE_URL": f"http://127.0.0.1:{free_port()}", "LOG_LEVEL": "warning",
           **({"REDIS_URL": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {})}
    settings = Settings.from_env(env, dotenv=Path("/nonexistent"))
    results: dict[str, dict[int, Run]] = {}
    cases: list[Case] = []
    for size in sizes:
        if not (args.reuse and generated_size(settings.database_url) == size):
            reset_schema(settings.database_url)
            generate(settings.database_url, size)
        app = create_app(settings)
        cases = all_cases(prepare(app), args.only)
        for phase in ("before", "after") if args.before else ("",):
            if phase:
                set_indexes(settings.database_url, present=phase == "after")
            for mode in modes:
                label = f"{'HTTP, gunicorn ' + str(args.workers) + ' sync workers' if mode == 'http' else 'in-process'}"
                label += f" ({phase} the issue-14 indexes)" if phase else ""
                print(f"{size:,} tickets, {label}:", flush=True)
                client = HttpClient(app, env, args.workers) if mode == "http" else InProcessClient(app)
                try:
                    results.setdefault(label, {})[size] = run = time_cases(client, cases, args.repeat,
                                                                           args.slow_repeat)
                finally:
                    client.close()
                if mode == "http":
                    run.rss_mib = export_rss_growth_mib(app, env, cases)
                    print(f"   {RSS_CASE}: peak RSS growth {run.rss_mib} MiB", flush=True)
            if args.explain:
                explain(InProcessClient(app), cases, args.plans)
    for label, runs in results.items():
        print_table(label, runs, cases, args.repeat)


if __name__ == "__main__":
    main()
