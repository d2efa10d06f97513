"""What the indexes of issue 14 cost the writes: ticket creation and call settling, without and with them.

    PYTHONPATH=. DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hl_bench \\
        python bench/index_write_cost.py --drop-schema --tickets 100000 [--writes 200] [--rounds 3]

DROPS AND RECREATES the schema of DATABASE_URL (PostgreSQL only; only with --drop-schema), generates the data set of
bench/data_scale.py (so every index has a year's depth), then in one run, alternating --rounds times
between this change's index migrations downgraded and upgraded, times --writes of each write in-process through the app:
POST /api/tickets (a ticket for a known customer, with its event and number counter) and a call settled
through signed POST /voice/status callbacks (in-progress, then completed with its duration).
Prints writes per second for each and the ratio with/without.
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


def _data_scale():
    """bench/data_scale.py, loaded by path: putting bench/ on sys.path would let bench/revisits.py
    shadow the revisits package."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("data_scale", Path(__file__).resolve().parent / "data_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def measure(app, settings, label: str, writes: int, serial: int) -> dict[str, float]:
    from twilio.request_validator import RequestValidator

    client = app.test_client()
    admin = {"Authorization": f"Bearer {settings.admin_token}"}
    validator = RequestValidator(settings.twilio_auth_token)

    def create_ticket(i: int) -> None:
        phone = "+86138" + f"{1 + i * 7 % 1000:08d}"
        response = client.post("/api/tickets", headers=admin, json={
            "phone": phone, "category": "problem", "priority": "normal", "description": "宽带断线"})
        assert response.status_code == 201, response.get_data(as_text=True)[:200]

    def settle_call(i: int) -> None:
        sid = f"CA{serial:04d}{i:028d}"
        base = {"AccountSid": "AC" + "0" * 32, "ApiVersion": "2010-04-01", "CallSid": sid, "Direction": "inbound",
                "From": "+86138" + f"{1 + i % 1000:08d}", "To": "+864001234567"}
        for extra in ({"CallStatus": "in-progress"}, {"CallStatus": "completed", "CallDuration": "95"}):
            form = base | extra
            signature = validator.compute_signature(settings.public_base_url + "/voice/status", form)
            response = client.post("/voice/status", data=form, headers={"X-Twilio-Signature": signature})
            assert response.status_code == 204, response.status_code

    rates = {}
    for name, write in (("ticket created (POST /api/tickets)", create_ticket),
                        ("call settled (2 status callbacks)", settle_call)):
        write(-1 - serial)  # warm up
        times = []
        for i in range(writes):
            start = time.perf_counter()
            write(i)
            times.append(time.perf_counter() - start)
        rates[name] = (len(times) / sum(times), statistics.median(times) * 1000)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--writes", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--drop-schema", action="store_true", help="agree that DATABASE_URL's schema is dropped")
    args = parser.parse_args()

    from sqlalchemy import create_engine

    from hotline import create_app
    from hotline.settings import Settings

    if not args.drop_schema or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("skipped: needs DATABASE_URL naming a PostgreSQL database and --drop-schema (its schema is dropped)")
        return
    data_scale = _data_scale()
    settings = Settings.for_tests(Path(tempfile.mkdtemp(prefix="write-cost-")))
    data_scale.reset_schema(settings.database_url)
    engine = create_engine(settings.database_url)
    print("generated:", data_scale.generate(engine, args.tickets))
    engine.dispose()
    app = create_app(settings)
    # Alternating rounds, so warming up (caches, the first round's plans) does not favour either side.
    rounds: dict[str, list[dict]] = {"without": [], "with": []}
    for serial, (label, present) in enumerate((("without", False), ("with", True)) * args.rounds):
        data_scale.set_indexes(settings.database_url, present)
        rounds[label].append(measure(app, settings, label, args.writes, serial))
    results = {label: {name: (statistics.mean(r[name][0] for r in runs), statistics.median(r[name][1] for r in runs))
                       for name in runs[0]} for label, runs in rounds.items()}
    print(f"\n{args.tickets:,} tickets, PostgreSQL, {args.rounds} alternating rounds of {args.writes} writes "
          f"each, in-process")
    print("| write | without the new indexes (/s, median ms) | with them (/s, median ms) | throughput ratio |")
    print("|---|---:|---:|---:|")
    for name in results["with"]:
        (before, before_ms), (after, after_ms) = results["without"][name], results["with"][name]
        print(f"| {name} | {before:.0f}, {before_ms:.1f} | {after:.0f}, {after_ms:.1f} | {after / before:.2f} |")


if __name__ == "__main__":
    main()
