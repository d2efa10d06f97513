"""Peak memory of a worker sending a 12-month export, at N rows per table (issue 14, item 5).

    PYTHONPATH=. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        python bench/export_memory.py --drop-schema --rows 100000 [--reuse] [--code /path/to/other/checkout]

DROPS AND RECREATES the schema of DATABASE_URL (PostgreSQL only; --drop-schema says you agree), then
generates in the database over the last 365 days: N completed revisits, N transcripts (each with its
recording) with a QA review each, and N access log entries; then VACUUM ANALYZE. --reuse keeps the
rows already there.

Each export runs in a fresh subprocess (the app through its test client, the body read chunk by
chunk and thrown away, as a client downloading it): a small export of the same kind first (modules
and caches loaded), then the high-water mark of the process's RSS is reset (/proc/self/clear_refs)
and the full 12-month export is read. Growth = peak RSS during the export - RSS before it; the
target is < 50 MiB. --code runs the subprocesses with another checkout's code on PYTHONPATH (e.g.
/work/main, before the streamed exports) against the same rows: before/after in one run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package

TARGET_MIB = 50
ADMIN = {"Authorization": "Bearer test-admin-token"}  # Settings.for_tests's admin token

GENERATE = [
    "SET LOCAL session_replication_role = replica",  # rows consistent by construction: skip FK triggers
    # :n rows each, spread evenly over the 365 days before now().
    """INSERT INTO revisits (ticket_id, round, ticket_number, phone, language, timezone, category, agent_id, state,
                             attempts, call_attempts, resolved_at, deadline_at, channel, solved, score,
                             transferred, clarified, reopened, completed_at, created_at, updated_at)
       SELECT i, 1, 'GD' || i, '+86138' || lpad((i % 50000)::text, 8, '0'), 'zh-CN', 'Asia/Shanghai',
              (ARRAY['problem', 'inquiry', 'complaint'])[1 + i % 3], 1 + i % 50, 'completed', 1, 3,
              at - interval '1 day', at + interval '2 days', 'call',
              CASE i % 3 WHEN 0 THEN true WHEN 1 THEN false END, CASE WHEN i % 7 = 0 THEN NULL ELSE 1 + i % 5 END,
              false, false, false, at, at, at
       FROM (SELECT i, now() - (365 * i::float / :n) * interval '1 day' AS at FROM generate_series(1, :n) i) s""",
    """INSERT INTO recordings (id, sid, call_sid, source, twilio_status, duration_seconds, channels, created_at,
                               updated_at, status, path, size_bytes, download_attempts, stored_at)
       SELECT i, 'RE' || md5(i::text), 'CA' || md5(i::text), 'DialVerb', 'completed', 300, 2, at, at, 'stored',
              'RE' || md5(i::text) || '.wav', 960000, 1, at
       FROM (SELECT i, now() - (365 * i::float / :n) * interval '1 day' AS at FROM generate_series(1, :n) i) s""",
    """INSERT INTO transcripts (id, recording_id, call_sid, language, status, attempts, turns, text, redactions,
                                score, categories, flags, review_reason, created_at, updated_at)
       SELECT id, id, call_sid, 'zh-CN', 'done', 1, '[]', '您好，我的宽带断了，想申请退款', '[]', 40 + id % 60,
              '', '', CASE WHEN id % 50 = 0 THEN 'complaint' END, created_at, created_at
       FROM recordings""",
    """INSERT INTO qa_reviews (transcript_id, call_sid, reviewer, answers, score, comments, created_at, updated_at)
       SELECT id, call_sid, 'qa' || (id % 7),
              '{"answered_fast": "yes", "greeting": "yes", "identity": "no", "needs_confirmed": "yes",
                "solution_clear": "yes", "ticket_recorded": "na", "no_interrupting": "yes", "polite": "yes",
                "summary": "no", "thanks": "yes"}'::json,
              80, '客户情绪激动，坐席安抚得当，但未总结处理结果。', created_at + interval '1 day',
              created_at + interval '1 day'
       FROM transcripts""",
    """INSERT INTO access_log (at, actor, role, agent_id, kind, subject, detail, via, address)
       SELECT now() - (365 * i::float / :n) * interval '1 day', 'qa' || (i % 7), 'qa', NULL,
              (ARRAY['recording', 'transcript', 'customer'])[1 + i % 3], 'CA' || md5(i::text), NULL, 'api',
              '10.0.0.' || (i % 250)
       FROM generate_series(1, :n) i""",
    "SELECT setval(pg_get_serial_sequence('recordings', 'id'), :n)",
    "SELECT setval(pg_get_serial_sequence('transcripts', 'id'), :n)",
]


def exports(today: str, year_ago: str) -> dict[str, tuple[str, str]]:
    """name -> (a small export of the same kind, to warm up; the 12-month export)."""
    return {
        "satisfaction CSV by day": (f"/api/reports/satisfaction?by=day&from={today}&to={today}&format=csv",
                                    f"/api/reports/satisfaction?by=day&from={year_ago}&to={today}&format=csv"),
        "satisfaction JSON by agent": (f"/api/reports/satisfaction?by=agent&from={today}&to={today}",
                                       f"/api/reports/satisfaction?by=agent&from={year_ago}&to={today}"),
        "QA reviews CSV": ("/api/qa/reviews?format=csv&reviewer=nobody", "/api/qa/reviews?format=csv"),
        "access log CSV": (f"/api/access-log.csv?from={today}", f"/api/access-log.csv?from={year_ago}"),
    }


def reset_schema(database_url: str) -> None:
    """bench/data_scale.py's: the schema dropped and rebuilt by the migrations."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("data_scale", Path(__file__).with_name("data_scale.py"))
    data_scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(data_scale)
    data_scale.reset_schema(database_url)


def generate(database_url: str, rows: int) -> dict[str, float]:
    from sqlalchemy import create_engine, text

    started = time.perf_counter()
    engine = create_engine(database_url)
    with engine.begin() as connection:
        for statement in GENERATE:
            connection.execute(text(statement), {"n": rows})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
        counts = {t: connection.scalar(text(f"SELECT count(*) FROM {t}"))
                  for t in ("revisits", "transcripts", "qa_reviews", "access_log")}
    engine.dispose()
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _status(field: str) -> int:
    """A VmRSS / VmHWM line of /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(field)


def measure(name: str) -> None:
    """(In the subprocess.) One export, warmed up; prints JSON: rss before, peak growth, bytes, seconds."""
    import gc
    from datetime import timedelta

    from hotline import create_app
    from hotline.clock import now
    from hotline.settings import Settings

    settings = Settings.for_tests(Path(tempfile.mkdtemp(prefix="export-bench-")))
    app = create_app(settings)
    client = app.test_client()
    today = now().date()
    small, full = exports(today.isoformat(), (today - timedelta(days=365)).isoformat())[name]

    def read(url: str) -> int:
        response = client.get(url, headers=ADMIN, buffered=False)
        if response.status_code != 200:
            print(json.dumps({"error": f"{response.status_code} {response.get_data(as_text=True)[:100].strip()}"}))
            sys.exit(0)
        size = sum(len(chunk) for chunk in response.response)
        response.close()
        return size

    read(small)
    gc.collect()
    gc.freeze()
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM: the peak from here on
    before = _status("VmRSS")
    started = time.perf_counter()
    size = read(full)
    seconds = time.perf_counter() - started
    peak = _status("VmHWM")
    print(json.dumps({"rss_mib": before / 1024, "growth_mib": (peak - before) / 1024, "bytes": size,
                      "seconds": seconds}))


def run(name: str, code: str | None) -> dict:
    env = dict(os.environ)
    if code:
        env["PYTHONPATH"] = code
    out = subprocess.run([sys.executable, __file__, "--measure", name], env=env, capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"{name}: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the rows already generated")
    parser.add_argument("--drop-schema", action="store_true", help="agree that DATABASE_URL's schema is dropped")
    parser.add_argument("--code", help="also measure with this checkout's code (PYTHONPATH) on the same rows")
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure)
        return
    if not args.drop_schema or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: needs DATABASE_URL naming a PostgreSQL database and --drop-schema (its schema is dropped)")
        return
    from hotline.settings import Settings

    database_url = Settings.for_tests(Path(tempfile.mkdtemp(prefix="export-bench-"))).database_url
    if not args.reuse:
        reset_schema(database_url)
        print("generated:", ", ".join(f"{k} {v:,}" for k, v in generate(database_url, args.rows).items()))
    codes = {"this": None, **({"--code": args.code} if args.code else {})}
    print(f"\n12-month exports, {args.rows:,} rows per table, PostgreSQL; peak RSS growth while sending "
          f"(target < {TARGET_MIB} MiB)")
    print("| export | code | MiB sent | seconds | RSS before (MiB) | growth (MiB) | target |")
    print("|---|---|---:|---:|---:|---:|---|")
    failed = False
    for name in exports("2000-01-01", "2000-01-01"):
        for label, code in codes.items():
            result = run(name, code)
            if "error" in result:
                failed |= label == "this"
                print(f"| {name} | {code or 'this checkout'} | answered {result['error']} | | | | MISSED |")
                continue
            met = result["growth_mib"] < TARGET_MIB
            failed |= label == "this" and not met
            print(f"| {name} | {code or 'this checkout'} | {result['bytes'] / 2**20:.1f} | {result['seconds']:.1f} "
                  f"| {result['rss_mib']:.0f} | {result['growth_mib']:.1f} | {'met' if met else 'MISSED'} |",
                  flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
