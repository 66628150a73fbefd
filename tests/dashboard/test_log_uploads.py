"""The service-log upload route, the job behind it (DiskCache backend), the rejects download and the job list."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from plotly.utils import PlotlyJSONEncoder
from sqlalchemy import Engine, insert, select

from dashboard import ids
from dashboard.log_jobs import JobPlaces, run_uploaded_log
from dashboard.views.logs import job_rows, jobs_table, layout, outcome_view, recent_jobs_view
from metrics import api
from store.engine import create_store_engine, upgrade_store
from store.models import IngestJob
from tests.accounts import client_as
from tests.dashboard.log_helpers import AGENCY, ROWS, log_app, run_background, seed_services, upload, write_log
from tests.dashboard.test_figures import assert_plain_components


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Engine]:
    """A fresh SQLite store where Kahak has reported its services."""
    engine = create_store_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    upgrade_store(engine)
    yield seed_services(engine, tmp_path)
    engine.dispose()


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_a_file_over_the_limit_is_refused_with_413_in_both_languages(store: Engine, tmp_path: Path) -> None:
    log = write_log(tmp_path / "big.csv", ROWS * 40)
    app = log_app(store, tmp_path, max_bytes=log.stat().st_size // 2)
    answer = upload(client_as(app, "admin"), log)
    assert answer.status_code == 413
    body = answer.get_json()
    assert "larger than" in body["message_en"] and "مگابایت" in body["message_fa"]
    assert _files(tmp_path / "web" / "uploads") == []  # the part written so far is removed


def test_a_request_announcing_more_than_the_limit_is_refused_before_reading(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path, max_bytes=1000)
    answer = client_as(app, "admin").post(
        "/uploads/logs",
        data=b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        environ_overrides={"CONTENT_LENGTH": str(10 * 1024 * 1024)},  # what a client about to send 10 MB says
    )
    assert answer.status_code == 413


def test_the_senders_name_is_never_a_path(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    uploads = tmp_path / "web" / "uploads"
    answer = upload(client_as(app, "admin"), write_log(tmp_path / "jan.csv", ROWS), name="../../escape.csv")
    assert answer.status_code == 201
    token = answer.get_json()["token"]
    assert answer.get_json()["file_name"] == "escape.csv"  # kept as display text only
    assert _files(uploads) == sorted([f"{token}.csv", f"{token}.json"])
    assert not (tmp_path / "escape.csv").exists() and not (tmp_path / "web" / "escape.csv").exists()

    refused = upload(client_as(app, "admin"), write_log(tmp_path / "feb.csv", ROWS), name="../../etc/passwd")
    assert refused.status_code == 415  # not a kind of file ingest reads: nothing is stored
    assert "passwd" in refused.get_json()["message_en"]
    assert _files(uploads) == sorted([f"{token}.csv", f"{token}.json"])


def test_a_form_without_a_file_is_a_400(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    answer = client_as(app, "admin").post("/uploads/logs", data={"source": "x"}, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "logs.no_file"


def test_an_uploaded_log_is_ingested_once_as_a_web_job(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    answer = upload(client_as(app, "admin"), write_log(tmp_path / "kahak-1393.csv", ROWS), source="portal")
    token = answer.get_json()["token"]
    places = JobPlaces(uploads=tmp_path / "web" / "uploads", rejects=tmp_path / "web" / "rejects")
    seen: list[float] = []

    summary = run_uploaded_log(store, token, places=places, on_progress=seen.append)

    assert summary["status"] == "done"
    assert (summary["rows_read"], summary["rows_accepted"], summary["rows_rejected"]) == (5, 5, 0)
    assert summary["source_system"] == "portal" and summary["months"] == [[1393, 5], [1393, 6], [1393, 7]]
    assert seen and seen[-1] == 1.0
    with store.connect() as connection:
        job = connection.execute(select(IngestJob)).one()
    assert (job.file_name, job.trigger, job.status) == ("kahak-1393.csv", "web", "done")
    assert job.started_by.startswith("admin-")  # the signed-in administrator who uploaded it
    assert _files(places.uploads) == []  # processed uploads do not pile up
    assert run_uploaded_log(store, token, places=places) == {"status": "missing"}  # a token works once


def test_the_background_callback_runs_the_job_in_another_process(store: Engine, tmp_path: Path) -> None:
    """The page's path with the default DiskCache backend: Dash starts a process, the page polls it."""
    app = log_app(store, tmp_path)
    client = client_as(app, "admin")
    token = upload(client, write_log(tmp_path / "kahak.csv", ROWS)).get_json()["token"]

    summary, progress = run_background(client, token, lang="en")

    assert summary["status"] == "done" and summary["rows_accepted"] == 5
    assert summary["source_system"] == "kahak"  # no source given: the sender's file name, not the stored one
    assert summary["job_id"] == api.ingest_jobs(engine=store)["job_id"].iloc[0]
    assert progress, "the page heard the job's progress"
    assert all(p["logs-job-progress-text.children"].startswith("Processing") for p in progress)


def test_a_refused_file_offers_its_rejects_and_only_from_the_rejects_folder(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    client = client_as(app, "admin")
    bad = [*ROWS, ["2014-08-05T10:00:00", "NO-SUCH-AGENCY", "S001", "online", "completed", "10", "T9"]]
    token = upload(client, write_log(tmp_path / "bad.csv", bad)).get_json()["token"]
    places = JobPlaces(uploads=tmp_path / "web" / "uploads", rejects=tmp_path / "web" / "rejects")
    summary = run_uploaded_log(store, token, places=places)
    assert summary["status"] == "refused" and summary["reasons"] == {"unknown_agency": 1}
    assert summary["has_rejects"]

    rejects = client.get(f"/uploads/logs/rejects/{summary['job_id']}")
    assert rejects.status_code == 200
    assert "NO-SUCH-AGENCY" in rejects.get_data().decode("utf-8-sig")
    assert "attachment" in rejects.headers["Content-Disposition"]

    outside = tmp_path / "secret.csv"
    outside.write_text("do not serve", encoding="utf-8")
    with store.begin() as connection:
        sneaky = connection.execute(
            insert(IngestJob).returning(IngestJob.id),
            {
                "kind": "logs",
                "trigger": "cli",
                "started_by": "x",
                "file_name": "x.csv",
                "sha256": "0" * 64,
                "started_at": dt.datetime.now(dt.UTC),
                "finished_at": dt.datetime.now(dt.UTC),
                "status": "refused",
                "rejects_path": str(places.rejects / ".." / "secret.csv"),
                "summary": {},
            },
        ).scalar_one()
    assert client.get(f"/uploads/logs/rejects/{sneaky}").status_code == 404
    assert client.get("/uploads/logs/rejects/999").status_code == 404
    by_name = client.get("/uploads/logs/rejects/..%2F..%2Fsecret.csv")  # not a job number: Dash's page shell
    assert "do not serve" not in by_name.get_data(as_text=True)


def test_the_job_list_reads_newest_first_with_links_only_to_servable_rejects(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    client = client_as(app, "admin")
    places = JobPlaces(uploads=tmp_path / "web" / "uploads", rejects=tmp_path / "web" / "rejects")
    good = upload(client, write_log(tmp_path / "good.csv", ROWS)).get_json()["token"]
    run_uploaded_log(store, good, places=places)
    with app.server.test_request_context("/logs"):
        before = str(recent_jobs_view("en"))  # kept until the next job is recorded
    assert "good.csv" in before and "bad.csv" not in before
    bad_rows = [*ROWS, ["garbage", AGENCY, "S001", "online", "completed", "10", "T9"]]
    bad = upload(client, write_log(tmp_path / "bad.csv", bad_rows)).get_json()["token"]
    run_uploaded_log(store, bad, places=places)

    jobs = api.ingest_jobs(kind="logs", engine=store)
    assert jobs["file_name"].tolist() == ["bad.csv", "good.csv"]
    assert jobs["status"].tolist() == ["refused", "done"]
    rows = job_rows(jobs, "fa", rejects_folder=places.rejects)
    assert rows[0]["status"] == "رد شد" and rows[0]["rejects_href"] == f"/uploads/logs/rejects/{jobs['job_id'].iloc[0]}"
    assert rows[1]["rejects_href"] is None
    assert rows[0]["when"].startswith("۱۴")  # a Jalali date in Persian digits
    assert rows[0]["read"] == "۶"
    english = job_rows(jobs, "en", rejects_folder=places.rejects)
    assert english[0]["who"].startswith("admin-") and english[0]["who"].endswith("(web)")
    assert english[0]["read"] == "6"
    assert "bad.csv" in str(jobs_table(english, "en"))
    assert_plain_components(jobs_table(english, "en"))  # plain data, node for node the components it stands for
    with app.server.test_request_context("/logs"):
        after = str(recent_jobs_view("en"))
    assert "good.csv" in after and "bad.csv" in after  # a refused file changes no data, but is a new job
    assert after.count("/uploads/logs/rejects/") == 1  # the refused file's rejects, served


def test_the_outcome_reads_in_the_pages_language(store: Engine, tmp_path: Path) -> None:
    summary = {
        "status": "refused",
        "file_name": "bad.csv",
        "source_system": "portal",
        "job_id": 3,
        "rows_read": 200,
        "rows_accepted": 190,
        "rows_rejected": 10,
        "rows_duplicate": 0,
        "rejected_share": 0.05,
        "reasons": {"bad_time": 4, "unknown_agency": 6},
        "months": [[1393, 5]],
        "replaced": [{"batch_id": 2, "year": 1393, "month": 5}],
        "has_rejects": True,
        "message_fa": "رد شد",
        "message_en": "5.0% of rows are unusable",
    }
    app = log_app(store, tmp_path)
    with app.server.test_request_context("/logs"):
        english, persian = str(outcome_view(summary, "en")), str(outcome_view(summary, "fa"))
        missing = str(outcome_view({"status": "missing"}, "en"))
    assert "was refused" in english and "unknown agency code" in english and "time cannot be read" in english
    assert "5.0%" in english and "1393/05" in english and "batch 2 for 1393/05" in english
    assert "/uploads/logs/rejects/3" in english
    assert "کد دستگاه ناشناخته" in persian and "۱۳۹۳/۰۵" in persian
    assert "no longer waiting" in missing
    assert outcome_view(None, "en") is None


def test_the_page_renders_with_the_form_the_script_needs(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path, max_bytes=5 * 1024 * 1024)
    page = client_as(app, "admin")
    assert page.get("/logs?lang=en").status_code == 200

    with app.server.test_request_context("/logs"):
        page_json = json.dumps(layout(lang="en").to_plotly_json(), cls=PlotlyJSONEncoder)
    form = _find(json.loads(page_json), ids.LOGS_FORM)
    assert form["data-upload-url"] == "/uploads/logs" and form["data-log-max-bytes"] == str(5 * 1024 * 1024)
    assert form["data-picker-id"] == ids.LOGS_PICKER and "larger than 5 MB" in form["data-text-too-large-en"]
    assert "at most 5 MB" in page_json


def _find(node: object, component_id: str) -> dict[str, object]:
    """The props of the component with ``component_id`` in a layout's JSON."""
    if isinstance(node, dict):
        props = node.get("props", {})
        if isinstance(props, dict) and props.get("id") == component_id:
            return props
        for value in node.values():
            found = _find(value, component_id)
            if found:
                return found
    if isinstance(node, list):
        for item in node:
            found = _find(item, component_id)
            if found:
                return found
    return {}


def test_uploads_whose_job_never_started_are_swept_after_a_day(store: Engine, tmp_path: Path) -> None:
    app = log_app(store, tmp_path)
    client = client_as(app, "admin")
    uploads = tmp_path / "web" / "uploads"
    stale = upload(client, write_log(tmp_path / "old.csv", ROWS)).get_json()["token"]
    claimed = upload(client, write_log(tmp_path / "busy.csv", ROWS)).get_json()["token"]
    os.replace(uploads / f"{claimed}.json", uploads / f"{claimed}.claimed.json")  # a job is working on it
    (uploads / "not-ours.txt").write_text("x", encoding="utf-8")
    day_ago = time.time() - 25 * 3600
    for path in uploads.iterdir():
        os.utime(path, (day_ago, day_ago))

    fresh = upload(client, write_log(tmp_path / "new.csv", ROWS)).get_json()["token"]  # each upload sweeps

    assert _files(uploads) == sorted(
        [f"{claimed}.csv", f"{claimed}.claimed.json", f"{fresh}.csv", f"{fresh}.json", "not-ours.txt"]
    )
    assert stale not in " ".join(_files(uploads))


def test_the_examples_in_the_log_modules_run() -> None:
    import doctest

    import dashboard.log_jobs
    import dashboard.log_uploads
    import dashboard.views.logs
    import dashboard.wsgi

    for module in (dashboard.log_uploads, dashboard.log_jobs, dashboard.views.logs, dashboard.wsgi):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted > 0, module.__name__
