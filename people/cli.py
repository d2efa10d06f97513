"""`hotline users ...`: people who sign in, managed from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from hotline import db
from people.models import LANGUAGES, ROLES, User
from people.users import UserError, create_user, find_user, update_user

users_cli = AppGroup("users", help="People who sign in to the pages.")


@users_cli.command("create")
@click.argument("login")
@click.option("--name", required=True, help="The person's name as colleagues see it.")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--agent-id", type=int, default=None, help="For agents: their routing agent record.")
@click.option("--language", type=click.Choice(LANGUAGES), default="zh-CN", show_default=True)
@click.password_option(help="Asked for when not given (never put it in shell history).")
def create(login: str, name: str, role: str, agent_id: int | None, language: str, password: str) -> None:
    """Create a user who can sign in."""
    try:
        user = create_user(db.session(), login=login, name=name, password=password, role=role,
                           agent_id=agent_id, language=language)
    except UserError as exc:
        raise click.UsageError(str(exc)) from None
    db.session().commit()
    # The agent id is the routing record the desk shows (the one `--agent-id` named); the user id is the login's.
    agent = f", agent id {user.agent_id}" if user.agent_id is not None else ""
    click.echo(f"created {user.role} {user.login} (user id {user.id}{agent})")


@users_cli.command("list")
def list_users() -> None:
    """Every user with role, agent and lock state."""
    for user in db.session().scalars(select(User).order_by(User.login)):
        state = "inactive" if not user.active else ("locked" if user.locked_until else "active")
        agent = f" agent {user.agent_id}" if user.agent_id else ""
        click.echo(f"{user.login:20} {user.role:10} {state}{agent}  {user.name}")


def _change(login: str, changes: dict) -> User:
    user = find_user(db.session(), login)
    if user is None:
        raise click.UsageError(f"no user with login {login!r}")
    try:
        update_user(db.session(), user, changes)
    except UserError as exc:
        raise click.UsageError(str(exc)) from None
    db.session().commit()
    return user


@users_cli.command("unlock")
@click.argument("login")
def unlock(login: str) -> None:
    """Clear a lock-out after too many wrong passwords."""
    _change(login, {"unlock": True})
    click.echo(f"{login} unlocked")


@users_cli.command("password")
@click.argument("login")
@click.password_option()
def password(login: str, password: str) -> None:
    """Set a new password (ends the user's sessions)."""
    _change(login, {"password": password})
    click.echo(f"password of {login} changed")


@users_cli.command("deactivate")
@click.argument("login")
def deactivate(login: str) -> None:
    """Stop a user from signing in (ends their sessions)."""
    _change(login, {"active": False})
    click.echo(f"{login} deactivated")
