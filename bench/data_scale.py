"""A year of a large center's data in PostgreSQL, and what the hot reads cost at that size.

    PYTHONPATH=. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_bench \\
        python bench/data_scale.py --drop-schema --tickets 100000 [--repeat 20] [--before] [--explain]

DROPS AND RECREATES the schema of DATABASE_URL (PostgreSQL only), so it runs only when told so with
--drop-schema (`make bench` runs it without and it says it skipped). The schema comes from the
migrations (`hotline db upgrade`); the rows are generated inside the database with generate_series
(no round trips): N tickets over the last 12 months, calls 1.5 N, call events 10 per call, customers
N / 2 (1 % of them make 10 % of the calls), 50 agents with an offer, a routed call and two agent events per call,
a recording per call (older than 90 days already purged), transcripts for 30 % of the calls,
ticket events 3 per ticket and revisits for 20 % of the resolved tickets; then VACUUM ANALYZE.

Then it times, in-process through the Flask app (the ORM included, HTTP excluded): the desk state
poll of an agent on a call, the supervisor's live data, GET /api/customers/<phone> of a frequent
caller, GET /api/tickets page 1, GET /api/qa/queue, and the SLA sweep's and the retention purge's
queries; median and p95 of --repeat runs each. With --before the indexes of this change are taken
out first (the migrations tickets_0004, routing_0002, recordings_0004, transcription_0002 and
hotline_0003 downgraded), the cases timed, the indexes put back and timed again: before/after in one run.
--explain prints each query's plan.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package

AGENTS = 50
INDEX_REVISIONS = {"hotline": "hotline_0002", "tickets": "tickets_0003", "routing": "routing_0001",
                   "recordings": "recordings_0003", "transcription": "transcription_0001"}

# Each statement gets :n (tickets) and :agents. Times are spread over the 365 days before now();
# ids line up (call i belongs to customer c(i), ticket j to call j) so joins find their rows.
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
                                 agent_id, answered_at, ended_at)
       SELECT sid, (ARRAY['inquiry', 'complaint'])[1 + id % 2], 'zh-CN', 5, false, created_at + interval '10 s',
              'answered', 1, 2, 1 + id % :agents, answered_at, ended_at
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
    """INSERT INTO transcripts (recording_id, call_sid, language, status, attempts, turns, text, redactions,
                                score, categories, flags, review_reason, created_at, updated_at)
       SELECT r.id, r.call_sid, 'zh-CN', 'done', 1, '[]',
              (ARRAY['您好，我的宽带断了，想申请退款', '我要投诉你们的客服态度', '请问账单什么时候出',
                     '我已经打过三次电话了，还是没有解决', '律师说这个合同有问题'])[1 + r.id % 5],
              '[]', 40 + r.id % 60, CASE WHEN r.id % 4 = 0 THEN ',complaint,' ELSE '' END, '',
              CASE WHEN r.id % 50 = 0 THEN 'complaint' WHEN r.id % 77 = 0 THEN 'low_score' END,
              r.created_at + interval '2 minutes', r.created_at + interval '2 minutes'
       FROM recordings r WHERE r.id % 10 < 3""",
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def generate(engine, tickets: int) -> dict[str, float]:
    from sqlalchemy import text

    started = time.perf_counter()
    with engine.begin() as connection:
        for statement in GENERATE:
            connection.execute(text(statement), {"n": tickets, "agents": AGENTS})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table}")) for table in (
            "tickets", "calls", "call_events", "customers", "routing_offers", "transcripts", "ticket_events")}
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


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
    """Downgrade (or upgrade again) this change's index migrations, then refresh the statistics."""
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


class Cases:
    """The timed reads, each a zero-argument callable, against one app and one signed-in client each."""

    def __init__(self, settings) -> None:
        from hotline import create_app, db
        from people.users import create_user

        self.app = create_app(settings)
        self.settings = settings
        with self.app.app_context():
            session = db.session()
            # Agent 1 is on a call with the busiest caller: the desk's heaviest screen pop.
            busiest = session.execute(_sql("SELECT from_number, max(id) FROM calls WHERE direction = 'inbound' "
                                           "GROUP BY from_number ORDER BY count(*) DESC LIMIT 1")).one()
            self.phone = busiest[0]
            sid = session.scalar(_sql("SELECT sid FROM calls WHERE id = :id"), {"id": busiest[1]})
            session.execute(_sql("UPDATE agents SET status = 'on_call', status_since = now() WHERE id = 1"))
            session.execute(_sql("INSERT INTO agent_events (agent_id, at, status, reason, call_sid) "
                                 "VALUES (1, now(), 'on_call', 'call', :sid)"), {"sid": sid})
            session.execute(_sql("UPDATE routed_calls SET agent_id = 1 WHERE call_sid = :sid"), {"sid": sid})
            for login, role, agent_id in (("bench.agent", "agent", 1), ("bench.supervisor", "supervisor", None)):
                if session.scalar(_sql("SELECT id FROM users WHERE login = :l"), {"l": login}) is None:
                    create_user(session, login=login, name=login, password="bench password 1", role=role,
                                agent_id=agent_id)
            session.commit()
        self.agent = self._signed_in("bench.agent")
        self.supervisor = self._signed_in("bench.supervisor")
        self.api = self.app.test_client()
        self.admin = {"Authorization": f"Bearer {settings.admin_token}"}

    def _signed_in(self, login: str):
        client = self.app.test_client()
        page = client.get("/signin").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/signin", data={"login": login, "password": "bench password 1", "csrf_token": token})
        assert response.status_code in (302, 303), response.status_code
        return client

    def _get(self, client, url: str, headers=None):
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, (url, response.status_code, response.get_data(as_text=True)[:200])
        return response

    def _query(self, build):
        from hotline import db
        from hotline.clock import now

        with self.app.app_context():
            return db.session().execute(build(now())).all()

    def all(self) -> dict:
        from recordings.retention import expired_recordings
        from tickets.sweep import due_candidates

        return {
            "desk state poll (agent on a call)": lambda: self._get(self.agent, "/desk/agents/1/state"),
            "supervisor live data": lambda: self._get(self.supervisor, "/supervisor/live.json"),
            "GET /api/customers/<phone>": lambda: self._get(self.api, f"/api/customers/{self.phone}", self.admin),
            "GET /api/tickets page 1": lambda: self._get(self.api, "/api/tickets", self.admin),
            "GET /api/tickets?breached=true": lambda: self._get(self.api, "/api/tickets?breached=true", self.admin),
            "GET /api/qa/queue": lambda: self._get(self.api, "/api/qa/queue", self.admin),
            "SLA sweep query": lambda: self._query(lambda now: due_candidates(
                now + timedelta(minutes=self.settings.sla_warning_minutes))),
            "retention purge query (90 days)": lambda: self._query(
                lambda now: expired_recordings(now - timedelta(days=90))),
            **report_cases(self),
        }

    def explain(self, show_plans: bool = False) -> None:
        """EXPLAIN ANALYZE every statement each case issues: its time and the scans it used."""
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        from hotline import db

        for name, run in self.all().items():
            captured = []

            def capture(conn, cursor, statement, parameters, context, executemany):
                if statement.lstrip().upper().startswith("SELECT"):
                    captured.append((statement, parameters))

            event.listen(Engine, "before_cursor_execute", capture)
            try:
                run()
            finally:
                event.remove(Engine, "before_cursor_execute", capture)
            print(f"-- {name}: {len(captured)} SELECT statements")
            with self.app.app_context():
                connection = db.session().connection()
                for statement, parameters in captured:
                    plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + statement,
                                                      parameters).scalars().all()
                    scans = sorted({re.sub(r"\s*\(actual.*", "", line.strip().removeprefix("->  "))
                                    for line in plan if " Scan " in line or line.strip().startswith(("Seq", "->  Seq"))})
                    took = next((line for line in plan if line.startswith("Execution Time")), "")
                    print(f"   {took:28} {'; '.join(scans)[:160]}   <- {' '.join(statement.split())[:70]}")
                    if show_plans:
                        print("\n".join("      " + line for line in plan))
                db.session().rollback()


# --- Reports (issue #14 item 4): aggregates in SQL. Kept in one block so other cases merge apart. ---

def report_urls(today) -> dict[str, str]:
    """The report requests timed, for the center's `today`. The generated tickets belong to the
    oldest two thirds of the calls, so "a month" is the calendar month six months ago (full of
    tickets and calls), the year the twelve calendar months up to this one."""
    def month_start(back: int):
        months = today.year * 12 + today.month - 1 - back
        return today.replace(year=months // 12, month=months % 12 + 1, day=1)

    month, month_end = month_start(6).isoformat(), (month_start(5) - timedelta(days=1)).isoformat()
    year = month_start(11).isoformat()
    return {
        "service level for a month": f"/api/metrics/service-level?from={month}&to={month_start(5).isoformat()}",
        "ticket report for a month (by day)": f"/api/reports/tickets?from={month}&to={month_end}",
        "ticket report 12 months by month": f"/api/reports/tickets?from={year}&to={today.isoformat()}&period=month",
        "ticket report 12 months by month, CSV": (f"/api/reports/tickets?from={year}&to={today.isoformat()}"
                                                 "&period=month&format=csv"),
        "IVR report, 7 days": "/api/reports/ivr",
    }


def _center_today(cases: "Cases"):
    from hotline.clock import now
    from hotline.local_time import local_day

    return local_day(now(), cases.settings.timezone)


def report_cases(cases: "Cases") -> dict:
    return {name: (lambda url=url: cases._get(cases.api, url, cases.admin))
            for name, url in report_urls(_center_today(cases)).items()}


def _rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss_growth(run) -> tuple[float, float]:
    """(peak RSS growth in MiB while `run()` ran, its time in ms): RSS sampled every millisecond by a
    thread, against the RSS just before (getrusage's peak is the process's whole life's)."""
    import gc
    import threading

    gc.collect()
    baseline = peak = _rss_bytes()
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_bytes())
            time.sleep(0.001)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        run()
    finally:
        took = (time.perf_counter() - started) * 1000
        done.set()
        sampler.join()
    return (max(peak, _rss_bytes()) - baseline) / 2**20, took


def fill_ivr_outcomes(database_url: str) -> None:
    """The IVR report reads each call's outcome (ivr_calls), which settling writes and the migration
    ivr_0001 backfills: rows generated after the migrations get it the same way."""
    from sqlalchemy import create_engine, text

    from hotline.migrate import upgrade
    from ivr.outcome import backfill

    upgrade(database_url)  # --reuse of data made before ivr_0001: the migration backfills
    engine = create_engine(database_url)
    with engine.begin() as connection:
        if connection.scalar(text("SELECT count(*) FROM ivr_calls")) == 0:
            started = time.perf_counter()
            calls = backfill(connection)
            print(f"IVR outcomes of {calls:,} calls folded in {time.perf_counter() - started:.1f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE ivr_calls"))
        connection.execute(text("ANALYZE ivr_misses"))
    engine.dispose()


def report_memory(cases: "Cases") -> dict[str, tuple[float, float]]:
    """Peak RSS growth of the year-long reports, each measured on its first run in this process
    after a one-day report warmed imports and the connection."""
    cases._get(cases.api, f"/api/reports/tickets?from={_center_today(cases).isoformat()}", cases.admin)
    urls = report_urls(_center_today(cases))
    return {name: peak_rss_growth(lambda url=urls[name]: cases._get(cases.api, url, cases.admin))
            for name in ("ticket report 12 months by month", "ticket report 12 months by month, CSV")}

# --- end of the report block ---


def _sql(statement: str):
    from sqlalchemy import text

    return text(statement)


def time_cases(cases: Cases, repeat: int) -> dict[str, tuple[float, float]]:
    results = {}
    for name, run in cases.all().items():
        run()  # warm caches and plans
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            times.append((time.perf_counter() - start) * 1000)
        results[name] = (statistics.median(times), percentile(times, 0.95))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--before", action="store_true", help="also time without this change's indexes")
    parser.add_argument("--explain", action="store_true", help="each case's statements: time and scans")
    parser.add_argument("--plans", action="store_true", help="with --explain: the whole plans")
    parser.add_argument("--reuse", action="store_true", help="keep the data already generated")
    parser.add_argument("--drop-schema", action="store_true", help="agree that DATABASE_URL's schema is dropped")
    args = parser.parse_args()

    from sqlalchemy import create_engine

    from hotline.settings import Settings

    if not args.drop_schema or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: needs DATABASE_URL naming a PostgreSQL database and --drop-schema (its schema is dropped)")
        return
    settings = Settings.for_tests(Path(tempfile.mkdtemp(prefix="scale-bench-")))
    if not args.reuse:
        reset_schema(settings.database_url)
        engine = create_engine(settings.database_url)
        counts = generate(engine, args.tickets)
        engine.dispose()
        print("generated:", ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    fill_ivr_outcomes(settings.database_url)
    cases = Cases(settings)
    memory = report_memory(cases)
    runs = {}
    if args.before:
        set_indexes(settings.database_url, present=False)
        runs["before"] = time_cases(cases, args.repeat)
        if args.explain:
            cases.explain(args.plans)
        set_indexes(settings.database_url, present=True)
    runs["after" if args.before else "now"] = time_cases(cases, args.repeat)
    if args.explain:
        cases.explain(args.plans)
    print(f"\n{args.tickets:,} tickets, PostgreSQL, {args.repeat} runs each, in-process (ms)")
    header = "".join(f" | {label} median | {label} p95" for label in runs)
    print(f"| case{header} |\n|---" + "|---:" * (2 * len(runs)) + "|")
    for name in runs[next(iter(runs))]:
        cells = "".join(f" | {runs[label][name][0]:.1f} | {runs[label][name][1]:.1f}" for label in runs)
        print(f"| {name}{cells} |")
    print("\n| report (first run in the process) | peak RSS growth (MiB) | ms |\n|---|---:|---:|")
    for name, (mib, took) in memory.items():
        print(f"| {name} | {mib:.1f} | {took:.0f} |")


if __name__ == "__main__":
    main()
