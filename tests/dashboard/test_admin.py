"""The administration page's actions, on both engines: users with one-time passwords, deadlines, all audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import Dash
from sqlalchemy import Engine, select

from dashboard import ids
from dashboard.app import create_app
from dashboard.views.admin import deadline_action, layout, user_action
from metrics.audit import audit_frame
from store.accounts import Principal, SignInRefused, add_user, authenticate
from store.models import Period

ADMIN = Principal(user_id=1, name="office-admin", display_name="Admin", role="admin")


@pytest.fixture
def app(engine: Engine) -> Iterator[Dash]:
    dash_app = create_app(engine=engine)
    with dash_app.server.test_request_context("/admin", environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        yield dash_app


def _password(view: object) -> str:
    found = [c for c in getattr(view, "children", []) if getattr(c, "id", None) == ids.ADMIN_PASSWORD]
    assert found, view
    return str(found[0].children)


def test_an_added_user_signs_in_with_the_password_shown_once(app: Dash, engine: Engine) -> None:
    view, done = user_action(ADMIN, "add", "qom-office", "Qom office", "governor", "qm", "en")
    assert done
    password = _password(view)
    assert authenticate(engine, "qom-office", password, remote_addr=None).province_code == "QM"
    view, done = user_action(ADMIN, "reset", "qom-office", None, None, None, "en")
    assert done and _password(view) != password
    with pytest.raises(SignInRefused):
        authenticate(engine, "qom-office", password, remote_addr=None)
    _, done = user_action(ADMIN, "disable", "qom-office", None, None, None, "en")
    assert done
    events = audit_frame(engine)
    mine = events[events["actor"] == "office-admin"]
    assert mine["kind"].tolist() == ["user.disabled", "user.password_reset", "user.added"]
    assert set(mine["remote_addr"]) == {"10.1.2.3"}


def test_refusals_say_why_and_change_nothing(app: Dash, engine: Engine) -> None:
    add_user(engine, "office-admin", role="admin", password="a long enough secret", actor="t")
    view, done = user_action(ADMIN, "add", "kahak", None, "it_director", "", "en")
    assert not done and "--agency" in str(view)
    _, done = user_action(ADMIN, "disable", "office-admin", None, None, None, "fa")
    assert not done
    _, done = user_action(ADMIN, "add", "", None, "analyst", None, "en")
    assert not done


def test_a_deadline_is_set_from_a_jalali_date(app: Dash, engine: Engine) -> None:
    _, done = deadline_action(ADMIN, "1393", "۱۳۹۴-۰۲-۳۱", "fa")
    assert done
    with engine.connect() as connection:
        assert str(connection.scalar(select(Period.deadline).where(Period.code == "1393"))) == "2015-05-21"
    _, done = deadline_action(ADMIN, "1393", "tomorrow", "en")
    assert not done
    assert "۱۳۹۴/۰۲/۳۱" in str(layout("fa"))
