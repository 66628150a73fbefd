"""``egov users``, ``egov periods`` and ``egov review``: accounts, deadlines and decisions from the terminal.

Whoever runs these holds the store itself, so they act as an administrator; every change is still
written to the audit log under ``cli:<login name>``. Passwords are asked for at a hidden prompt (or
read from standard input with ``--password-stdin`` for scripts): never on the command line, where
other users could see them in the process list.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from store.settings import get_settings

users_app = typer.Typer(help="Who may sign in to the dashboard, and in which role.", no_args_is_help=True)
periods_app = typer.Typer(help="Reporting periods: deadlines.", no_args_is_help=True)
review_app = typer.Typer(help="Approve or return submissions (as the governor's office would).", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


def cli_actor() -> str:
    return f"cli:{os.environ.get('USER') or os.environ.get('USERNAME') or 'unknown'}"


def _ask_password(name: str, from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    password: str = typer.prompt(f"password for {name}", hide_input=True, confirmation_prompt=True)
    return password


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]{message}[/]")
    return typer.Exit(1)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Sign-in name (no spaces).")],
    role: Annotated[str, typer.Option(help="admin, governor, it_director or analyst.")],
    province: Annotated[str | None, typer.Option(help="The governor's office's province, e.g. QM.")] = None,
    agency: Annotated[str | None, typer.Option(help="The IT director's agency, e.g. QM-GOV.")] = None,
    display_name: Annotated[str | None, typer.Option(help="Name shown in the dashboard.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add a user; the password is asked for (at least 10 characters)."""
    from store.accounts import AccountError, add_user
    from store.engine import open_store

    engine = open_store(get_settings())
    try:
        user = add_user(
            engine,
            name,
            role=role,
            password=_ask_password(name, password_stdin),
            actor=cli_actor(),
            display_name=display_name,
            province=province.upper() if province else None,
            agency=agency.upper() if agency else None,
        )
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"added [bold]{user.name}[/] ({user.role})")


@users_app.command("list")
def users_list() -> None:
    """Every user, with role, province or agency, and whether they may sign in."""
    from store.accounts import users_frame
    from store.engine import open_store

    frame = users_frame(open_store(get_settings()))
    table = Table("name", "display name", "role", "province", "agency", "active", "created")
    for row in frame.itertuples(index=False):
        table.add_row(
            row.name,
            row.display_name,
            row.role,
            row.province_code or "",
            row.agency_code or "",
            "yes" if row.active else "no",
            str(row.created_at)[:16],
        )
    console.print(table)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Stop a user signing in and end their sessions now (the user stays in the audit log)."""
    from store.accounts import AccountError, disable_user
    from store.engine import open_store

    try:
        disable_user(open_store(get_settings()), name, actor=cli_actor())
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"disabled [bold]{name}[/]")


@users_app.command("reset-password")
def users_reset_password(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Set a new password (asked for), enable the user again and end their open sessions."""
    from store.accounts import AccountError, reset_password
    from store.engine import open_store

    try:
        reset_password(open_store(get_settings()), name, _ask_password(name, password_stdin), actor=cli_actor())
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"new password set for [bold]{name}[/]")


def ensure_first_admin() -> None:
    """Before the dashboard first serves: with no administrator yet, make one at the terminal.

    Not interactive (a service manager, CI)? Then say how, and stop: the dashboard never starts with
    an account nobody chose a password for.
    """
    from store.accounts import AccountError, add_user, has_admin
    from store.engine import open_store

    engine = open_store(get_settings())
    if has_admin(engine):
        return
    if not sys.stdin.isatty():
        raise _fail(
            "no administrator yet: run `egov users add NAME --role admin` once (it asks for a password), then serve"
        )
    console.print("[bold]No administrator yet.[/] Choose the first one's sign-in name and password.")
    while True:
        name = typer.prompt("administrator name", default="admin")
        try:
            add_user(engine, name, role="admin", password=_ask_password(name, False), actor=cli_actor())
        except AccountError as error:
            err_console.print(f"[red]{error}[/]")
            continue
        console.print(f"administrator [bold]{name}[/] created; add the others with `egov users add`")
        return


@periods_app.command("deadline")
def periods_deadline(
    period: Annotated[str, typer.Argument(help="Period code: 1394, 1394-H1 or 1394-Q2.")],
    date: Annotated[str | None, typer.Argument(help="Jalali date YYYY-MM-DD (e.g. 1395-02-31); omit to clear.")] = None,
) -> None:
    """Set a period's reporting deadline: submissions after it are marked late."""
    from ingest.text import ParseError, normalize_text, parse_jalali_date
    from store.accounts import AccountError
    from store.engine import open_store
    from store.workflow import set_deadline

    try:
        deadline = parse_jalali_date(date) if date else None
    except ParseError:
        raise _fail(f"not a Jalali date (YYYY-MM-DD): {date}") from None
    try:
        set_deadline(open_store(get_settings()), normalize_text(period), deadline, actor=cli_actor())
    except AccountError as error:
        raise _fail(str(error)) from None
    console.print(f"deadline of {period}: {date or 'none'}")


@review_app.command("approve")
def review_approve(submission: Annotated[int, typer.Argument(help="Submission id.")]) -> None:
    """Approve a pending submission: its values count in the scores from now on."""
    _review(submission, "approve", None)


@review_app.command("return")
def review_return(
    submission: Annotated[int, typer.Argument(help="Submission id.")],
    comment: Annotated[str, typer.Option(help="What the agency should correct.")],
) -> None:
    """Return a pending submission to its agency with a comment."""
    _review(submission, "return", comment)


def _review(submission: int, decision: str, comment: str | None) -> None:
    from store.engine import open_store
    from store.workflow import ReviewError, review_submission

    try:
        status = review_submission(
            open_store(get_settings()),
            submission,
            "approve" if decision == "approve" else "return",
            actor=cli_actor(),
            reviewer=None,
            comment=comment,
        )
    except ReviewError as error:
        raise _fail(str(error)) from None
    console.print(f"submission {submission}: {status}")
