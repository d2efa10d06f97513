"""`hotline routing rebuild|check` and `hotline bench routing`."""
from __future__ import annotations

import click
import redis
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from hotline import db
from routing.reservations import Reservations
from routing.rules import QueueRulesError, load_rules
from routing.sim_report import mixed_center, report, single_skill
from routing.state import get_reservations, get_rules, rebuild

routing_cli = AppGroup("routing", help="Skill-based routing.")
bench_cli = AppGroup("bench", help="Benchmarks and simulations.")


@routing_cli.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Rebuild the Redis routing state (agents, waiting callers) from the database."""
    session = db.session()
    agents, callers = rebuild(session, get_reservations(session))
    click.echo(f"rebuilt: {agents} agents, {callers} waiting callers")


@routing_cli.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
def check_command(path: str | None) -> None:
    """Validate a queue rules file (default: the configured one)."""
    try:
        rules = load_rules(path or current_app.config["HOTLINE_SETTINGS"].queue_rules_path)
    except QueueRulesError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"ok: {len(rules.queues)} queues")


@bench_cli.command("routing")
@click.option("--agents", default=20, show_default=True)
@click.option("--erlangs", default=16.0, show_default=True, help="offered traffic")
@click.option("--hours", default=200.0, show_default=True, help="virtual hours")
@click.option("--seed", default=1, show_default=True)
@click.option("--redis-url", default="", help="reserve through this scratch Redis database (its routing "
              "keys are cleared) instead of in memory")
@with_appcontext
def bench_routing(agents: int, erlangs: float, hours: float, seed: int, redis_url: str) -> None:
    """Simulate the center on a virtual clock and compare with Erlang C."""
    rules = get_rules()
    threshold = current_app.config["HOTLINE_SETTINGS"].ring_timeout_seconds

    def backend():
        if not redis_url:
            return None
        scratch = Reservations(redis.Redis.from_url(redis_url), rules, 3600)
        scratch.clear()
        return scratch

    click.echo(report(rules, single_skill(agents, erlangs, hours, seed), threshold,
                      "single skill, all answering", backend()))
    click.echo(report(rules, mixed_center(agents, erlangs, hours / 4, seed), threshold,
                      "mixed center (6 queues, 2 languages, 5% unanswered, patience 4 min)", backend()))
