"""Shared by the log upload tests: a store that knows Kahak's services, real log files, the upload route,
and the background callback driven the way Dash's renderer drives it (start, then poll with the handles)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from dash import Dash
from flask.testing import FlaskClient
from sqlalchemy import Engine

from dashboard import ids
from dashboard.app import create_app
from dashboard.log_uploads import MAX_LOG_BYTES_CONFIG_KEY, REJECTS_DIR_CONFIG_KEY, UPLOADS_DIR_CONFIG_KEY
from ingest.submissions import ingest_report_file
from tests.ingest.test_service_logs import ROWS, write_log
from tests.workbooks import AGENCY, write_filled_report

__all__ = ["AGENCY", "ROWS", "log_app", "run_background", "seed_services", "upload", "write_log"]


def seed_services(engine: Engine, tmp_path: Path) -> Engine:
    """Kahak's self-report stored, so its services S001–S005 are known to log ingest."""
    outcome = ingest_report_file(
        engine, write_filled_report(tmp_path / "report.xlsx"), actor="t", max_bytes=10**7, approved_by="t"
    )
    assert outcome.status == "stored"
    return engine


def log_app(engine: Engine, tmp_path: Path, *, max_bytes: int | None = None, own_folders: bool = True) -> Dash:
    """The dashboard on ``engine``; with ``own_folders`` its uploads and rejects go under ``tmp_path``."""
    app = create_app(engine=engine)
    if own_folders:
        app.server.config[UPLOADS_DIR_CONFIG_KEY] = str(tmp_path / "web" / "uploads")
        app.server.config[REJECTS_DIR_CONFIG_KEY] = str(tmp_path / "web" / "rejects")
    if max_bytes is not None:
        app.server.config[MAX_LOG_BYTES_CONFIG_KEY] = max_bytes
    return app


def upload(client: FlaskClient, path: Path, *, name: str | None = None, source: str | None = None) -> Any:
    """POST a file to the upload route as a browser form would."""
    data: dict[str, Any] = {"file": (path.open("rb"), name or path.name)}
    if source is not None:
        data["source"] = source
    return client.post("/uploads/logs", data=data, content_type="multipart/form-data")


def _body(token: str, lang: str) -> dict[str, Any]:
    return {
        "output": f"{ids.LOGS_RESULT}.data",
        "outputs": {"id": ids.LOGS_RESULT, "property": "data"},
        "inputs": [{"id": ids.LOGS_TOKEN, "property": "data", "value": {"token": token}}],
        "state": [{"id": ids.LOGS_LANG, "property": "data", "value": lang}],
        "changedPropIds": [f"{ids.LOGS_TOKEN}.data"],
    }


def run_background(
    client: FlaskClient, token: str, *, lang: str = "en", timeout_s: float = 90.0
) -> tuple[dict[str, Any], list[Any]]:
    """Start the page's background callback for ``token`` and poll until it answers.

    Returns the summary it put in ``ids.LOGS_RESULT`` and every progress value seen on the way.
    """
    body = _body(token, lang)
    started = client.post("/_dash-update-component", json=body)
    assert started.status_code == 200, started.get_data(as_text=True)
    handles = started.get_json()
    assert {"cacheKey", "job"} <= set(handles), handles
    progress: list[Any] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        polled = client.post(
            "/_dash-update-component", query_string={"cacheKey": handles["cacheKey"], "job": handles["job"]}, json=body
        )
        assert polled.status_code in (200, 204), polled.get_data(as_text=True)
        answer = polled.get_json(silent=True) or {}
        if "progress" in answer:
            progress.append(answer["progress"])
        if ids.LOGS_RESULT in answer.get("response", {}):
            return answer["response"][ids.LOGS_RESULT]["data"], progress
        time.sleep(0.25)
    raise AssertionError(f"the background job gave no answer within {timeout_s} s (progress seen: {progress})")
