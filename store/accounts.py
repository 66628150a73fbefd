"""Who may do what: users, their roles, passwords, sign-in sessions and the slow-down on guessing.

Roles, and what each may touch (the dashboard's guard and the command line ask a ``Principal``):

- ``admin``: users, periods and deadlines, service-log files; reads everything.
- ``governor``: the governor's office of one province: every agency of it; approves or returns its
  submissions; reads and exports the audit log of its province.
- ``it_director``: one agency: its template, its uploads, its scorecard, and the public pages.
- ``analyst``: reads and exports everything; changes nothing.

Passwords are hashed with argon2id (``argon2-cffi``); no password is ever stored, logged or defaulted.
Every change to a user is written to the append-only event log with who made it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any, Literal, get_args

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, func, insert, select, update

from store.events import record_event
from store.models import Agency, Province, SignInFailure, User, UserSession, utc_now
from store.settings import Settings, get_settings

Role = Literal["admin", "governor", "it_director", "analyst"]
ROLES: tuple[Role, ...] = get_args(Role)
MIN_PASSWORD_LENGTH = 10
SESSION_TOUCH_EVERY = dt.timedelta(minutes=1)
"""How often a session's ``last_seen_at`` is written (not on every request)."""

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
"""Verified against when a user name is unknown, so a wrong name takes as long as a wrong password."""


class AccountError(ValueError):
    """A refused account change; the message says what to do instead."""


@dataclass(frozen=True)
class Principal:
    """A signed-in user as every access check sees them."""

    user_id: int
    name: str
    display_name: str
    role: Role
    province_code: str | None = None
    agency_code: str | None = None

    @property
    def reads_everything(self) -> bool:
        return self.role in ("admin", "analyst")

    @property
    def province_scope(self) -> str | None:
        """The one province this user is limited to on province-wide pages (``None``: all)."""
        return self.province_code if self.role == "governor" else None

    def may_read_agency(self, agency_code: str, province_code: str | None) -> bool:
        """May this user see one agency's own pages (scorecard, submissions)?"""
        if self.reads_everything:
            return True
        if self.role == "governor":
            return province_code is not None and province_code == self.province_code
        return self.role == "it_director" and agency_code == self.agency_code

    def may_report_for(self, agency_code: str) -> bool:
        """Only an agency's own IT director uploads its self-report: nobody reports for someone else."""
        return self.role == "it_director" and agency_code == self.agency_code

    def may_review(self, province_code: str | None) -> bool:
        """Approve or return a submission of an agency in ``province_code``."""
        return self.role == "governor" and province_code is not None and province_code == self.province_code


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password_rules(name: str, password: str) -> None:
    """Refuse passwords that are short or are the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().casefold() == name.strip().casefold():
        raise AccountError("the password may not be the user name")


def _principal(user: Any) -> Principal:
    return Principal(
        user_id=user.id,
        name=user.name,
        display_name=user.display_name,
        role=user.role,  # only ROLES are ever stored (add_user checks)
        province_code=user.province_code,
        agency_code=user.agency_code,
    )


def _user(connection: Connection, name: str) -> Any:
    """The user's row (attribute access by column name), or ``None``."""
    return connection.execute(select(User.__table__).where(User.name == name.strip())).first()


def _resolve_scope(
    connection: Connection, role: str, province: str | None, agency: str | None
) -> tuple[str | None, str | None]:
    """The (province, agency) a role is tied to, checked against the organisation tree."""
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
    if role == "it_director":
        if not agency:
            raise AccountError("an IT director belongs to one agency: give --agency CODE")
        province_of = connection.scalar(select(Agency.province_code).where(Agency.code == agency))
        if province_of is None:
            raise AccountError(f"no agency {agency!r} in the organisation tree")
        return str(province_of), agency
    if role == "governor":
        if not province:
            raise AccountError("a governor's office belongs to one province: give --province CODE")
        if connection.scalar(select(Province.code).where(Province.code == province)) is None:
            raise AccountError(f"no province {province!r} in the organisation tree")
        return province, None
    if province or agency:
        raise AccountError(f"an {role} is not tied to a province or an agency")
    return None, None


def add_user(
    engine: Engine,
    name: str,
    *,
    role: str,
    password: str,
    actor: str,
    display_name: str | None = None,
    province: str | None = None,
    agency: str | None = None,
    remote_addr: str | None = None,
) -> Principal:
    """Create a user; refuses a taken name, an unknown role, or a role without its province/agency."""
    name = name.strip()
    if not name or len(name) > 100 or any(ch.isspace() for ch in name):
        raise AccountError("a user name is 1–100 characters without spaces")
    check_password_rules(name, password)
    with engine.begin() as connection:
        if _user(connection, name) is not None:
            raise AccountError(f"the user name {name!r} is taken")
        province_code, agency_code = _resolve_scope(connection, role, province, agency)
        now = utc_now()
        connection.execute(
            insert(User).values(
                name=name,
                display_name=(display_name or name).strip(),
                role=role,
                province_code=province_code,
                agency_code=agency_code,
                password_hash=hash_password(password),
                active=True,
                created_at=now,
                password_changed_at=now,
            )
        )
        record_event(
            connection,
            "user.added",
            actor=actor,
            agency_code=agency_code,
            detail={"user": name, "role": role, "province": province_code, "agency": agency_code},
            remote_addr=remote_addr,
        )
        user = _user(connection, name)
    assert user is not None
    return _principal(user)


def users_frame(engine: Engine) -> pd.DataFrame:
    """Every user (never the password hash), oldest first."""
    columns = [
        User.name,
        User.display_name,
        User.role,
        User.province_code,
        User.agency_code,
        User.active,
        User.created_at,
        User.password_changed_at,
    ]
    with engine.connect() as connection:
        rows = connection.execute(select(*columns).order_by(User.id)).all()
    return pd.DataFrame([tuple(row) for row in rows], columns=[c.key for c in columns])  # see metrics.data.rows_frame


def has_admin(engine: Engine) -> bool:
    """Is there an active administrator (the first one is made from the terminal)?"""
    with engine.connect() as connection:
        found = connection.scalar(select(func.count()).where(User.role == "admin", User.active.is_(True)))
    return bool(found)


def _revoke_sessions(connection: Connection, user_id: int) -> None:
    connection.execute(
        update(UserSession)
        .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))
        .values(revoked_at=utc_now())
    )


def disable_user(engine: Engine, name: str, *, actor: str, remote_addr: str | None = None) -> None:
    """Stop a user signing in, and end their open sessions at once."""
    with engine.begin() as connection:
        user = _user(connection, name)
        if user is None:
            raise AccountError(f"no user {name!r}")
        connection.execute(update(User).where(User.id == user.id).values(active=False))
        _revoke_sessions(connection, user.id)
        record_event(connection, "user.disabled", actor=actor, detail={"user": user.name}, remote_addr=remote_addr)


def reset_password(engine: Engine, name: str, password: str, *, actor: str, remote_addr: str | None = None) -> None:
    """Set a new password (and end the user's open sessions: whoever knew the old one is out)."""
    with engine.begin() as connection:
        user = _user(connection, name)
        if user is None:
            raise AccountError(f"no user {name!r}")
        check_password_rules(user.name, password)
        connection.execute(
            update(User)
            .where(User.id == user.id)
            .values(password_hash=hash_password(password), password_changed_at=utc_now(), active=True)
        )
        _revoke_sessions(connection, user.id)
        record_event(
            connection, "user.password_reset", actor=actor, detail={"user": user.name}, remote_addr=remote_addr
        )


# ---- signing in ---------------------------------------------------------------------------------------


class SignInRefused(Exception):
    """Why a sign-in failed: ``wrong`` (name or password; never which) or ``paused`` (too many tries)."""

    def __init__(self, reason: Literal["wrong", "paused"], retry_after_s: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after_s = retry_after_s


def _recent_failures(connection: Connection, name: str, remote_addr: str | None, since: dt.datetime) -> int:
    by_name = connection.scalar(select(func.count()).where(SignInFailure.name == name, SignInFailure.at >= since))
    by_addr: int | None = 0
    if remote_addr:
        by_addr = connection.scalar(
            select(func.count()).where(SignInFailure.remote_addr == remote_addr, SignInFailure.at >= since)
        )
    return max(int(by_name or 0), int(by_addr or 0))


def authenticate(
    engine: Engine, name: str, password: str, *, remote_addr: str | None, settings: Settings | None = None
) -> Principal:
    """The user, if the name and password match an active account; else ``SignInRefused``.

    After ``sign_in_max_failures`` failures for a name or from an address within the window, every
    try is refused (even a right one) until the window has passed: guessing is slowed on every worker.
    """
    settings = settings or get_settings()
    name = name.strip()[:100]
    window = dt.timedelta(minutes=settings.sign_in_window_minutes)
    with engine.begin() as connection:
        if _recent_failures(connection, name, remote_addr, utc_now() - window) >= settings.sign_in_max_failures:
            raise SignInRefused("paused", retry_after_s=int(window.total_seconds()))
        user = _user(connection, name)
        try:
            _HASHER.verify(user.password_hash if user is not None else _DUMMY_HASH, password)
            ok = user is not None and user.active
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and _HASHER.check_needs_rehash(user.password_hash):
            connection.execute(update(User).where(User.id == user.id).values(password_hash=hash_password(password)))
    if not ok:
        # Its own transaction: raising inside the one above would roll the record back.
        with engine.begin() as connection:
            connection.execute(insert(SignInFailure).values(at=utc_now(), name=name, remote_addr=remote_addr))
        raise SignInRefused("wrong")
    return _principal(user)


def open_session(
    engine: Engine, principal: Principal, *, remote_addr: str | None, settings: Settings | None = None
) -> str:
    """A new session for a signed-in user; the returned id is what the cookie carries."""
    settings = settings or get_settings()
    token = secrets.token_urlsafe(32)
    now = utc_now()
    with engine.begin() as connection:
        connection.execute(
            insert(UserSession).values(
                id=token,
                user_id=principal.user_id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + dt.timedelta(hours=settings.session_hours),
                remote_addr=remote_addr,
            )
        )
    return token


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; every stored time is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def resolve_session(engine: Engine, token: str, *, settings: Settings | None = None) -> Principal | None:
    """The user of a live session: not signed out, not expired, not idle too long, user still active."""
    if not token or len(token) > 64:
        return None
    settings = settings or get_settings()
    now = utc_now()
    with engine.connect() as connection:
        session = connection.execute(select(UserSession.__table__).where(UserSession.id == token)).first()
        if session is None:
            return None
        user = connection.execute(select(User.__table__).where(User.id == session.user_id)).first()
        if user is None:
            return None
        idle = dt.timedelta(minutes=settings.session_idle_minutes)
        if (
            session.revoked_at is not None
            or _aware(session.expires_at) <= now
            or _aware(session.last_seen_at) + idle <= now
            or not user.active
        ):
            return None
        if _aware(session.last_seen_at) + SESSION_TOUCH_EVERY <= now:
            connection.execute(update(UserSession).where(UserSession.id == token).values(last_seen_at=now))
            connection.commit()
        return _principal(user)


def close_session(engine: Engine, token: str) -> None:
    """Sign out: the session's id is refused from now on, wherever the cookie turns up."""
    with engine.begin() as connection:
        connection.execute(
            update(UserSession)
            .where(UserSession.id == token, UserSession.revoked_at.is_(None))
            .values(revoked_at=utc_now())
        )
