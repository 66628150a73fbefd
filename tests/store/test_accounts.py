"""Accounts on both engines: roles tied to their place, hashed passwords, sessions that end, guessing slowed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text, update
from sqlalchemy.exc import DBAPIError

from store.accounts import (
    AccountError,
    SignInRefused,
    add_user,
    authenticate,
    close_session,
    disable_user,
    has_admin,
    open_session,
    reset_password,
    resolve_session,
    users_frame,
)
from store.models import Event, User, UserSession
from store.settings import Settings

PASSWORD = "a long enough secret"
SETTINGS = Settings(sign_in_max_failures=3, sign_in_window_minutes=15, session_hours=8, session_idle_minutes=60)


def test_each_role_is_tied_to_its_place_in_the_tree(engine: Engine) -> None:
    director = add_user(engine, "kahak-it", role="it_director", agency="QM-QOM-KAH-BKH", password=PASSWORD, actor="t")
    assert (director.role, director.agency_code, director.province_code) == ("it_director", "QM-QOM-KAH-BKH", "QM")
    office = add_user(engine, "qom-office", role="governor", province="QM", password=PASSWORD, actor="t")
    assert office.may_review("QM") and not office.may_review("AR")
    assert office.may_read_agency("QM-GOV", "QM") and not office.may_read_agency("AR-GOV", "AR")
    assert director.may_report_for("QM-QOM-KAH-BKH") and not director.may_report_for("QM-GOV")
    assert not director.may_read_agency("QM-GOV", "QM")
    with pytest.raises(AccountError, match="give --agency"):
        add_user(engine, "x", role="it_director", password=PASSWORD, actor="t")
    with pytest.raises(AccountError, match="no agency"):
        add_user(engine, "x", role="it_director", agency="NOPE", password=PASSWORD, actor="t")
    with pytest.raises(AccountError, match="one province"):
        add_user(engine, "x", role="governor", password=PASSWORD, actor="t")
    with pytest.raises(AccountError, match="not tied"):
        add_user(engine, "x", role="analyst", province="QM", password=PASSWORD, actor="t")
    with pytest.raises(AccountError, match="unknown role"):
        add_user(engine, "x", role="root", password=PASSWORD, actor="t")
    with pytest.raises(AccountError, match="taken"):
        add_user(engine, "kahak-it", role="analyst", password=PASSWORD, actor="t")
    assert users_frame(engine)["name"].tolist() == ["kahak-it", "qom-office"]


def test_passwords_are_hashed_with_argon2_and_checked(engine: Engine) -> None:
    with pytest.raises(AccountError, match="at least 10"):
        add_user(engine, "short", role="analyst", password="123456789", actor="t")
    with pytest.raises(AccountError, match="user name"):
        add_user(engine, "samesame12", role="analyst", password="SameSame12", actor="t")
    add_user(engine, "ana", role="analyst", password=PASSWORD, actor="t")
    with engine.connect() as connection:
        stored = connection.scalar(select(User.password_hash).where(User.name == "ana"))
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert authenticate(engine, "ana", PASSWORD, remote_addr="10.0.0.1", settings=SETTINGS).name == "ana"
    with pytest.raises(SignInRefused) as refused:
        authenticate(engine, "ana", "wrong password!", remote_addr="10.0.0.1", settings=SETTINGS)
    assert refused.value.reason == "wrong"
    with pytest.raises(SignInRefused) as unknown:
        authenticate(engine, "nobody", PASSWORD, remote_addr="10.0.0.1", settings=SETTINGS)
    assert unknown.value.reason == "wrong"  # the same answer: names are not confirmed


def test_guessing_pauses_sign_in_by_name_and_by_address_even_for_the_right_password(engine: Engine) -> None:
    add_user(engine, "ana", role="analyst", password=PASSWORD, actor="t")
    add_user(engine, "bob", role="analyst", password=PASSWORD, actor="t")
    for n in range(3):
        with pytest.raises(SignInRefused):
            authenticate(engine, "ana", f"guess number {n}", remote_addr=f"10.0.0.{n}", settings=SETTINGS)
    with pytest.raises(SignInRefused) as paused:
        authenticate(engine, "ana", PASSWORD, remote_addr="10.9.9.9", settings=SETTINGS)
    assert paused.value.reason == "paused" and paused.value.retry_after_s == 15 * 60
    for n in range(3):
        with pytest.raises(SignInRefused):
            authenticate(engine, f"guess{n}", "whatever pass", remote_addr="10.1.1.1", settings=SETTINGS)
    with pytest.raises(SignInRefused, match="paused"):
        authenticate(engine, "bob", PASSWORD, remote_addr="10.1.1.1", settings=SETTINGS)
    assert authenticate(engine, "bob", PASSWORD, remote_addr="10.2.2.2", settings=SETTINGS).name == "bob"


def test_a_session_ends_on_sign_out_on_disable_on_reset_and_when_idle_or_old(engine: Engine) -> None:
    ana = add_user(engine, "ana", role="analyst", password=PASSWORD, actor="t")
    token = open_session(engine, ana, remote_addr="10.0.0.1", settings=SETTINGS)
    assert resolve_session(engine, token, settings=SETTINGS) == ana
    close_session(engine, token)
    assert resolve_session(engine, token, settings=SETTINGS) is None

    token = open_session(engine, ana, remote_addr=None, settings=SETTINGS)
    reset_password(engine, "ana", "another long secret", actor="t")
    assert resolve_session(engine, token, settings=SETTINGS) is None
    token = open_session(engine, ana, remote_addr=None, settings=SETTINGS)
    disable_user(engine, "ana", actor="t")
    assert resolve_session(engine, token, settings=SETTINGS) is None
    with pytest.raises(SignInRefused):
        authenticate(engine, "ana", "another long secret", remote_addr=None, settings=SETTINGS)
    reset_password(engine, "ana", "a third long secret", actor="t")  # enables again

    idle = open_session(engine, ana, remote_addr=None, settings=SETTINGS)
    old = open_session(engine, ana, remote_addr=None, settings=SETTINGS)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        connection.execute(
            update(UserSession).where(UserSession.id == idle).values(last_seen_at=now - dt.timedelta(minutes=61))
        )
        connection.execute(update(UserSession).where(UserSession.id == old).values(expires_at=now))
    assert resolve_session(engine, idle, settings=SETTINGS) is None
    assert resolve_session(engine, old, settings=SETTINGS) is None
    assert resolve_session(engine, "not-a-session", settings=SETTINGS) is None


def test_every_user_change_is_in_the_append_only_audit_log(engine: Engine) -> None:
    assert not has_admin(engine)
    add_user(engine, "root-admin", role="admin", password=PASSWORD, actor="cli:ops", remote_addr="10.0.0.5")
    assert has_admin(engine)
    disable_user(engine, "root-admin", actor="cli:ops")
    reset_password(engine, "root-admin", "a brand new secret", actor="cli:ops")
    with engine.connect() as connection:
        rows = connection.execute(
            select(Event.kind, Event.actor, Event.remote_addr, Event.detail)
            .where(Event.kind.like("user.%"))
            .order_by(Event.id)
        ).all()
    assert [(r.kind, r.actor) for r in rows] == [
        ("user.added", "cli:ops"),
        ("user.disabled", "cli:ops"),
        ("user.password_reset", "cli:ops"),
    ]
    assert rows[0].remote_addr == "10.0.0.5" and rows[0].detail["role"] == "admin"
    assert all("secret" not in str(r.detail) for r in rows)
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("UPDATE events SET actor = 'someone else'"))
    with pytest.raises(DBAPIError), engine.begin() as connection:
        connection.execute(text("DELETE FROM events"))


def test_a_changed_catalogue_or_tree_file_is_in_the_audit_log_once(engine: Engine, tmp_path: Path) -> None:
    import shutil

    from store.engine import session_scope
    from store.reference import record_reference_changes
    from store.settings import DECLARED_DATA_DIR

    data = tmp_path / "data"
    shutil.copytree(DECLARED_DATA_DIR, data)
    with engine.connect() as connection:  # the store recorded every declared file when it was made
        recorded = {
            d["file"] for d in connection.scalars(select(Event.detail).where(Event.kind == "reference.changed"))
        }
    assert {"catalogues/fifth-plan.yaml", "organisation.yaml", "plans.yaml"} <= recorded
    with session_scope(engine) as session:
        assert record_reference_changes(session, actor="system:ops", data_dir=data) == []
    catalogue = data / "catalogues" / "fifth-plan.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + "\n# weights reviewed\n", encoding="utf-8")
    with session_scope(engine) as session:
        assert record_reference_changes(session, actor="system:ops", data_dir=data) == ["catalogues/fifth-plan.yaml"]
    with engine.connect() as connection:
        last = connection.execute(
            select(Event.actor, Event.detail).where(Event.kind == "reference.changed").order_by(Event.id.desc())
        ).first()
    assert last is not None and last.actor == "system:ops"
    assert last.detail["previous_sha256"] != last.detail["sha256"]
