"""How much an agent's desk costs the server: the polled state during a live call, full and unchanged.

    PYTHONPATH=. python bench/desk_state.py [--polls 300]

Builds a throwaway app (SQLite and the embedded Redis under a temp folder, or DATABASE_URL/REDIS_URL),
puts one agent on a live simulated call (IVR, routing, ticket, recording), signs the agent in, and
times GET /desk/agents/<id>/state: with no ETag (a full JSON document) and with the last ETag (a 304).
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    sys.path.pop(0)  # bench/revisits.py must not shadow the revisits package


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=300)
    args = parser.parse_args()

    from bench.throwaway import percentile, throwaway_app
    from hotline import db
    from people.users import create_user
    from sandbox import press
    from sandbox.simulator import Simulator

    bench = throwaway_app("desk-bench-")
    app, client, admin = bench.app, bench.client, bench.admin
    agent = client.post("/api/agents", headers=admin, json={
        "name": "wang", "address": "client:wang", "skills": {"inquiry": 3}, "languages": ["zh-CN"],
        "status": "available"}).get_json()["id"]
    with app.app_context():
        create_user(db.session(), login="wang", name="王芳", password="bench password 1", role="agent",
                    agent_id=agent)
        db.session().commit()
    simulator = Simulator(app)
    simulator.agent("client:wang", answer_after_rings=1, talk_seconds=3600)
    simulator.call(from_="+8613800138000", inputs=[press("1"), press("1")])
    page = client.get("/signin").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/signin", data={"login": "wang", "password": "bench password 1", "csrf_token": token})
    url = f"/desk/agents/{agent}/state"
    assert simulator.run_until(lambda: client.get(url).get_json()["phase"] == "live", limit=300)

    def timed(headers: dict[str, str], status: int) -> list[float]:
        times = []
        for _ in range(args.polls):
            start = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == status, response.status_code
        return times

    full = timed({}, 200)
    etag = client.get(url).headers["ETag"]
    unchanged = timed({"If-None-Match": etag}, 304)
    size = len(client.get(url).data)
    backend = bench.backend
    print(f"desk state during a live call, {args.polls} polls each, {backend}, in-process:")
    for label, values in (("full (200)", full), ("unchanged (304)", unchanged)):
        print(f"  {label:16} p50 {statistics.median(values):6.1f} ms   p99 {percentile(values, 0.99):6.1f} ms")
    print(f"  full document {size} bytes; polling every 2 s, one web worker at the p50 serves "
          f"{int(2000 / statistics.median(full))} agents")


if __name__ == "__main__":
    main()
