"""QA search and review queue on PostgreSQL with many transcripts: plans and median times.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_bench PYTHONSAFEPATH=1 PYTHONPATH=. \
        python bench/transcript_search.py --rows 1000000 --drop-schema

Drops and recreates the schema of DATABASE_URL (never point it at data you keep), migrates it,
segments a few hundred realistic call texts with jieba in Python, then copies them into `--rows`
transcripts with INSERT ... SELECT generate_series (the tsvector computed once per distinct text),
VACUUM ANALYZE, and times searches through `transcription.search` in an app context.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from sqlalchemy import create_engine, text

OPENINGS = ["您好 这里是 热线服务中心 请问 有 什么 可以 帮 您", "你好 客服 小王 为您服务"]
MIDDLES = ["我 的 网 断 了 三天 了", "我 想 申请 退款", "快递 一直 没有 送到", "我 要 投诉 你们 的 服务",
           "账单 上 多 扣 了 五十 块", "我 已经 找 了 律师", "我 要 去 消费者 协会 投诉", "套餐 怎么 改",
           "密码 忘记 了 怎么 办", "发票 什么 时候 能 开", "I want a refund for my order", "my internet is down"]
RARE = "我 收到 了 法院 的 传票"
CLOSINGS = ["已 为您 提交 工单", "感谢您的来电 祝您生活愉快", "请 稍等 我 帮 您 查询 一下"]


def sample_texts(count: int, rng: random.Random) -> list[str]:
    texts = []
    for _ in range(count):
        lines = [f"agent: {rng.choice(OPENINGS)}"]
        # Rare words: 律师 in about 1 of 12 texts' middles, 消费者协会 likewise; '退款' more often.
        lines += [f"caller: {rng.choice(MIDDLES)}" for _ in range(rng.randint(2, 5))]
        lines.append(f"agent: {rng.choice(CLOSINGS)}")
        texts.append("\n".join(lines))
    return texts


def load(url: str, rows: int, distinct: int) -> None:
    from hotline.migrate import upgrade
    from transcription.segmentation import searchable_text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    rng = random.Random(14)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TEMP TABLE samples (n int, body text, han text, latin text)"))
        connection.execute(text("INSERT INTO samples VALUES (:n, :body, :han, :latin)"), [
            {"n": n, "body": body, "han": w.tsvector_literal(), "latin": w.latin}
            for n, body in enumerate(sample_texts(distinct, rng)) for w in [searchable_text(body)]])
        connection.execute(text("ALTER TABLE samples ADD COLUMN vector tsvector"))
        connection.execute(text("UPDATE samples SET vector = CAST(han AS tsvector) || "
                                "to_tsvector('english'::regconfig, latin)"))
        connection.execute(text(
            "INSERT INTO recordings (sid, call_sid, twilio_status, status, created_at, updated_at) "
            "SELECT 'RE' || lpad(g::text, 32, '0'), 'CA' || lpad(g::text, 32, '0'), 'completed', 'stored', "
            "now() - (g || ' minutes')::interval, now() FROM generate_series(1, :rows) g"), {"rows": rows})
        connection.execute(text(
            "INSERT INTO transcripts (recording_id, call_sid, language, status, attempts, turns, text, redactions, "
            "categories, flags, review_reason, search_vector, created_at, updated_at) "
            "SELECT r.id, r.call_sid, 'zh-CN', 'done', 1, '[]', s.body, '[]', '', '', "
            "CASE WHEN r.id % 20 = 0 THEN 'random_sample' END, s.vector, r.created_at, r.created_at "
            "FROM recordings r JOIN samples s ON s.n = r.id % :distinct"), {"distinct": distinct})
        # A rare phrase in 1 of 5,000 calls: the case an index must serve without reading the rest.
        rare = searchable_text(RARE)
        connection.execute(text("UPDATE transcripts SET text = text || :line, search_vector = search_vector || "
                                "CAST(:han AS tsvector) WHERE id % 5000 = 0"),
                           {"line": "\ncaller: " + RARE, "han": rare.tsvector_literal()})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def explain(url: str, phrase: str, sort: str) -> str:
    from hotline import create_app, db
    from transcription import search

    app = create_app()
    with app.app_context():
        session = db.session()
        captured = []

        def grab(conn, cursor, statement, parameters, context, executemany):
            captured.append((statement, parameters))
        from sqlalchemy import event
        event.listen(session.get_bind(), "before_cursor_execute", grab)
        search.search_page(phrase, sort=sort)
        event.remove(session.get_bind(), "before_cursor_execute", grab)
        statement, parameters = captured[-1]
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + statement, parameters)
            return "\n".join(row[0] for row in cursor.fetchall())


def timed(app, func, repeat: int) -> float:
    from hotline import db

    times = []
    with app.app_context():
        func()
        for _ in range(repeat):
            started = time.perf_counter()
            func()
            times.append((time.perf_counter() - started) * 1000)
            db.session().rollback()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--distinct", type=int, default=500, help="distinct texts segmented with jieba")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--drop-schema", action="store_true", help="required: the load drops DATABASE_URL's schema")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql") or not (args.drop_schema or args.skip_load):
        print("skipped: needs DATABASE_URL=postgresql://... and --drop-schema (it drops that database's schema)")
        return
    if not args.skip_load:
        started = time.perf_counter()
        load(url, args.rows, args.distinct)
        print(f"loaded {args.rows} transcripts in {time.perf_counter() - started:.0f} s")
    from hotline import create_app
    from transcription import search

    app = create_app()
    cases = [("律师", "relevance"), ("律师", "newest"), ("退款", "relevance"), ("退款", "newest"),
             ("消费者协会", "relevance"), ("refunds", "relevance"), ("法院的传票", "relevance"),
             ("传票", "newest"), ("市长", "relevance")]
    for phrase in ("律师", "法院的传票"):
        print(f"EXPLAIN ANALYZE of the search for {phrase}, sort=relevance:")
        print(explain(url, phrase, "relevance"))
    print("| query | sort | rows on page 1 | median ms |\n|---|---|---|---|")
    for phrase, sort in cases:
        with app.app_context():
            found = len(search.search_page(phrase, sort=sort).rows)
        ms = timed(app, lambda: search.search_page(phrase, sort=sort), args.repeat)
        print(f"| {phrase} | {sort} | {found} | {ms:.1f} |")
    print(f"| review queue | oldest | 200 | {timed(app, lambda: search.review_queue(), args.repeat):.1f} |")


if __name__ == "__main__":
    main()
