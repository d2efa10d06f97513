"""What routing's rebuild after a Redis restart, and the routing sweep's open conversations, cost on a
year of offers (issue 14): run on a database bench/data_scale.py generated (142,500 offers at 100k
tickets), with every agent on a call.

    PYTHONSAFEPATH=1 PYTHONPATH=. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_scale \\
        REDIS_URL=redis://127.0.0.1:6379/0 python bench/routing_rebuild.py [--repeat 7] [--without-index]

Every agent is put on a call (their newest answered offer left open) in a transaction that is rolled
back at the end, so the data set is left as it was; the Redis routing state of REDIS_URL is rebuilt
(and marked stale at the end, so its next use rebuilds it from the database as committed).
Prints the rebuild's wall time (median), its statements over routing_offers and their time in the
database (EXPLAIN ANALYZE), and open_conversations' plan.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--without-index", action="store_true",
                        help="drop ix_routing_offers_open for the run (in the transaction rolled back)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("skipped: needs DATABASE_URL naming a database bench/data_scale.py generated")
        return
    from sqlalchemy import event, text

    from hotline import create_app, db
    from hotline.settings import Settings
    from routing.conversations import open_conversations
    from routing.state import BUILT_MARKER, get_reservations, rebuild

    env = {"DATABASE_URL": url, "HOTLINE_INSTANCE_DIR": tempfile.mkdtemp(prefix="rebuild-bench-"),
           "TELEPHONY": "sandbox", "SECRET_KEY": "bench-rebuild-secret", "TWILIO_AUTH_TOKEN": "bench-twilio-token",
           "HOTLINE_ADMIN_TOKEN": "bench-admin-token", "LOG_LEVEL": "warning",
           **({"REDIS_URL": os.environ["REDIS_URL"]} if os.environ.get("REDIS_URL") else {})}
    app = create_app(Settings.from_env(env, dotenv=Path("/nonexistent")))
    with app.app_context():
        session = db.session()
        engine = session.get_bind()
        if args.without_index:
            session.execute(text("DROP INDEX IF EXISTS ix_routing_offers_open"))
        session.execute(text("UPDATE agents SET status = 'on_call'"))
        session.execute(text("UPDATE routing_offers SET ended_at = NULL WHERE id IN "
                             "(SELECT max(id) FROM routing_offers WHERE result = 'answered' GROUP BY agent_id)"))
        session.execute(text("ANALYZE routing_offers"))
        agents, offers = session.execute(text("SELECT (SELECT count(*) FROM agents), "
                                              "(SELECT count(*) FROM routing_offers)")).one()
        res = get_reservations(session)
        seen: list[tuple[str, object]] = []

        def listener(conn, cursor, statement, parameters, *_):
            seen.append((statement, parameters))

        times = []
        for _ in range(args.repeat):
            seen.clear()
            event.listen(engine, "before_cursor_execute", listener)
            start = time.perf_counter()
            rebuild(session, res)
            times.append((time.perf_counter() - start) * 1000)
            event.remove(engine, "before_cursor_execute", listener)
        reads = [(s, p) for s, p in seen if "FROM routing_offers" in s]
        with session.connection().connection.driver_connection.cursor() as pg:
            database_ms = 0.0
            for statement, parameters in reads:
                pg.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters)
                database_ms += pg.fetchone()[0][0]["Execution Time"]
            seen.clear()
            event.listen(engine, "before_cursor_execute", listener)
            open_conversations(session)
            event.remove(engine, "before_cursor_execute", listener)
            statement, parameters = next((s, p) for s, p in seen if "FROM routing_offers" in s)
            pg.execute("EXPLAIN (ANALYZE) " + statement, parameters)
            plan = "\n".join(row[0] for row in pg.fetchall())
        session.rollback()
        res.redis.delete(BUILT_MARKER)  # built from the rolled-back agents: the next use rebuilds it
    print(f"{agents} agents on a call, {offers:,} offers: rebuild median {statistics.median(times):.1f} ms "
          f"(runs: {', '.join(f'{t:.0f}' for t in times)}); {len(reads)} statements over routing_offers, "
          f"{database_ms:.2f} ms in the database ({database_ms / max(agents, 1):.3f} ms an agent)")
    print("open_conversations:\n" + plan)


if __name__ == "__main__":
    main()
