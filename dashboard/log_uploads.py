"""Service-log files reach the server through a multipart route, streamed to disk; never as base64 in a callback.

Service logs run to hundreds of megabytes, which ``dcc.Upload`` would carry as base64 through the browser's
memory and a callback (see ``shared/stack.md``). Instead the Service logs page posts the file to
``POST /uploads/logs`` (``multipart/form-data``: ``file`` and an optional ``source``). The body is parsed
as it arrives and the file part is written straight into ``<data_dir>/uploads/`` under a generated
name (``<token>.csv``): the sender's file name is kept only as display text in a small ticket beside
it (``<token>.json``), never used as a path. The answer is ``201 {"token", "file_name", "size_bytes"}``;
the page then starts a background job with the token (``dashboard.log_jobs``), which claims the ticket
once, so a token cannot be processed twice.

``GET /uploads/logs/rejects/<job_id>`` sends a job's rejects CSV, only when it lies inside the
rejects folder the web and the command line write to.
"""

from __future__ import annotations

import json
import os
import re
import time
import unicodedata
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

from dash import Dash
from flask import Response, current_app, has_app_context, jsonify, send_file
from flask import request as flask_request
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

from dashboard.data import current_engine
from dashboard.i18n import t
from store.models import IngestJob, utc_now
from store.settings import get_settings

UPLOAD_ROUTE = "/uploads/logs"
UPLOAD_ENDPOINT = "egov_log_upload"
REJECTS_ROUTE = "/uploads/logs/rejects/<int:job_id>"
UPLOADS_DIR_CONFIG_KEY = "EGOV_LOG_UPLOADS_DIR"
REJECTS_DIR_CONFIG_KEY = "EGOV_LOG_REJECTS_DIR"
MAX_LOG_BYTES_CONFIG_KEY = "EGOV_MAX_LOG_UPLOAD_BYTES"
FILE_FIELD = "file"
SOURCE_FIELD = "source"
FORM_OVERHEAD_BYTES = 1024 * 1024
"""Room for the multipart envelope and the small text fields on top of the file limit."""
ACCEPTED_SUFFIXES = (".csv.gz", ".csv", ".txt", ".gz", ".xlsx")
"""What ``ingest.service_logs`` reads; checked before a byte is stored, and the only suffixes on disk."""
STALE_AFTER_S = 24 * 3600
"""An upload whose job has not started after this long is removed (see ``sweep_stale_uploads``)."""
_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_DISPLAY_NAME_MAX = 200
_SOURCE_MAX = 100


@dataclass(frozen=True)
class UploadTicket:
    """What the route knows about one stored upload; the job reads it back with the token."""

    token: str
    stored_name: str
    file_name: str
    source: str | None
    actor: str
    size_bytes: int
    uploaded_at: str


def require_uploader() -> str:
    """Who is uploading, or abort: the one check every log-upload route calls.

    Only the roles the Service logs page is open to (``dashboard.access.PAGE_ROLES["logs"]``). A POST
    must carry the session's CSRF token in the ``X-CSRFToken`` header: this route is left out of the
    form-based CSRF check, which would read (and buffer) the whole multipart body before the route
    could stream it to disk.
    """
    from flask import abort
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    from dashboard.access import PAGE_ROLES, current_principal

    principal = current_principal()
    if principal is None:
        abort(401)
    if principal.role not in PAGE_ROLES["logs"]:
        abort(403)
    if flask_request.method == "POST":
        try:
            validate_csrf(flask_request.headers.get("X-CSRFToken"))
        except ValidationError:
            abort(400)
    return principal.name


def uploads_dir() -> Path:
    """Where uploaded log files wait for their job: the app's own folder (tests), else ``<data_dir>/uploads``."""
    if has_app_context() and current_app.config.get(UPLOADS_DIR_CONFIG_KEY):
        return Path(current_app.config[UPLOADS_DIR_CONFIG_KEY])
    return get_settings().data_dir / "uploads"


def rejects_dir() -> Path:
    """Where web jobs write rejects files: ``<data_dir>/rejects``, as ``egov ingest logs`` does."""
    if has_app_context() and current_app.config.get(REJECTS_DIR_CONFIG_KEY):
        return Path(current_app.config[REJECTS_DIR_CONFIG_KEY])
    return get_settings().data_dir / "rejects"


def max_log_upload_bytes() -> int:
    """The log upload limit: the app's own (tests set a small one), else ``EGOV_MAX_LOG_UPLOAD_MB``."""
    if has_app_context() and current_app.config.get(MAX_LOG_BYTES_CONFIG_KEY):
        return int(current_app.config[MAX_LOG_BYTES_CONFIG_KEY])
    return get_settings().max_log_upload_bytes


def display_name(raw: str | None) -> str:
    """The sender's file name as text to show: last path part, no control characters, bounded length.

    >>> display_name("../../etc/passwd"), display_name("C:\\\\logs\\\\jan.csv"), display_name("")
    ('passwd', 'jan.csv', 'upload')
    """
    name = re.split(r"[\\/]", raw or "")[-1]
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C")).strip()
    return name[:_DISPLAY_NAME_MAX] or "upload"


def accepted_suffix(name: str) -> str | None:
    """The suffix a log file keeps on disk, or ``None`` when ingest cannot read that kind of file.

    >>> accepted_suffix("Jan.CSV.gz"), accepted_suffix("a.xlsx"), accepted_suffix("x.exe")
    ('.csv.gz', '.xlsx', None)
    """
    lowered = name.lower()
    return next((suffix for suffix in ACCEPTED_SUFFIXES if lowered.endswith(suffix)), None)


def is_token(value: object) -> bool:
    """Whether ``value`` looks like a token this module generates (so it is safe inside a file name)."""
    return isinstance(value, str) and bool(_TOKEN.match(value))


def _error(status: int, key: str, **values: object) -> tuple[Response, int]:
    """A JSON error in both languages; the page shows the one it is in."""
    body = {"error": key, "message_fa": t(key, "fa", **values), "message_en": t(key, "en", **values)}
    return jsonify(body), status


def _too_large(limit_bytes: int) -> tuple[Response, int]:
    megabytes = limit_bytes / (1024 * 1024)
    limit = f"{megabytes:.0f}" if megabytes >= 1 else f"{megabytes:.1f}"
    return _error(413, "logs.too_large", limit=limit)


def _remove(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


def _receive(folder: Path, token: str, limit: int) -> tuple[dict[str, str], Path | None, str | None, list[Path]]:
    """Parse the request body, writing each file part to its own ``.part`` file in ``folder`` as it arrives.

    Returns the text fields, the part file of the ``file`` field, the name the sender gave it, and
    every part file written (the caller removes the ones it does not keep).
    """
    written: list[Path] = []
    handles: list[IO[bytes]] = []

    def stream_factory(
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        path = folder / f"{token}-{len(written)}.part"
        written.append(path)
        handle = path.open("w+b")
        handles.append(handle)
        return handle

    parser = FormDataParser(
        stream_factory=stream_factory,
        max_content_length=limit + FORM_OVERHEAD_BYTES,
        max_form_memory_size=64 * 1024,
        max_form_parts=8,
    )
    try:
        _, form, files = parser.parse_from_environ(flask_request.environ)
    finally:
        for handle in handles:
            handle.close()
    upload = files.get(FILE_FIELD)
    if upload is None:
        return dict(form.items()), None, None, written
    part = next((path for path, handle in zip(written, handles, strict=True) if handle is upload.stream), None)
    return dict(form.items()), part, upload.filename, written


def receive_log_upload() -> tuple[Response, int]:
    """``POST /uploads/logs``: store one service-log file under a generated name and return its token."""
    actor = require_uploader()
    limit = max_log_upload_bytes()
    if flask_request.content_length is not None and flask_request.content_length > limit + FORM_OVERHEAD_BYTES:
        return _too_large(limit)
    if flask_request.mimetype != "multipart/form-data":
        return _error(400, "logs.no_file")
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    sweep_stale_uploads(folder)
    token = uuid.uuid4().hex
    try:
        fields, part, sent_name, written = _receive(folder, token, limit)
    except RequestEntityTooLarge:
        _remove(*folder.glob(f"{token}-*.part"))
        return _too_large(limit)
    try:
        if part is None or not sent_name:
            return _error(400, "logs.no_file")
        name = display_name(sent_name)
        suffix = accepted_suffix(name)
        if suffix is None:
            return _error(415, "logs.bad_type", file=name)
        size = part.stat().st_size
        if size > limit:
            return _too_large(limit)
        stored = folder / f"{token}{suffix}"
        os.replace(part, stored)
        source = (fields.get(SOURCE_FIELD) or "").strip()[:_SOURCE_MAX] or None
        ticket = UploadTicket(token, stored.name, name, source, actor, size, utc_now().isoformat())
        (folder / f"{token}.json").write_text(json.dumps(asdict(ticket), ensure_ascii=False), encoding="utf-8")
        return jsonify({"token": token, "file_name": name, "size_bytes": size}), 201
    finally:
        _remove(*written)


def sweep_stale_uploads(folder: Path, *, max_age_s: float = STALE_AFTER_S) -> list[str]:
    """Remove uploads whose job never started (the page was closed) and broken-off parts; their names.

    Claimed uploads are left alone: a job is working on them, or it crashed and they are kept for a look.
    """
    cutoff = time.time() - max_age_s
    removed = []
    for path in [*folder.glob("*.part"), *folder.glob("*.json")]:
        token = path.name.split(".")[0].split("-")[0]
        if path.name.endswith(".claimed.json") or not is_token(token) or path.stat().st_mtime > cutoff:
            continue
        stored = [p for p in folder.glob(f"{token}.*") if not p.name.endswith((".json", ".part"))]
        _remove(path, *stored)
        removed += [path.name, *(p.name for p in stored)]
    return removed


def claim_ticket(token: str, folder: Path) -> UploadTicket | None:
    """Take the ticket of an upload, once: a second claim (or an unknown token) gets ``None``.

    The rename is atomic, so two jobs started with the same token cannot both process the file.
    """
    if not is_token(token):
        return None
    claimed = folder / f"{token}.claimed.json"
    try:
        os.replace(folder / f"{token}.json", claimed)
    except FileNotFoundError:
        return None
    data: dict[str, Any] = json.loads(claimed.read_text(encoding="utf-8"))
    ticket = UploadTicket(**data)
    if ticket.token != token or ticket.stored_name != Path(ticket.stored_name).name:
        return None
    return ticket


def release_upload(ticket: UploadTicket, folder: Path) -> None:
    """Remove a processed upload and its ticket (the job row and the rejects file are what remain)."""
    _remove(folder / ticket.stored_name, folder / f"{ticket.token}.claimed.json")


def rejects_file(rejects_path: object, folder: Path) -> Path | None:
    """The rejects file a job names, only if it is an existing file inside ``folder`` (else ``None``).

    >>> rejects_file("/etc/passwd", Path("/tmp/rejects")) is None, rejects_file(float("nan"), Path("/tmp")) is None
    (True, True)
    """
    if not isinstance(rejects_path, str) or not rejects_path:
        return None
    root = folder.resolve()
    path = Path(rejects_path).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def send_rejects(job_id: int) -> Any:
    """``GET /uploads/logs/rejects/<job_id>``: the job's rejects CSV, or 404 when it is not in the rejects folder."""
    require_uploader()
    with current_engine().connect() as connection:
        rejects_path = connection.execute(
            select(IngestJob.rejects_path).where(IngestJob.id == job_id)
        ).scalar_one_or_none()
    path = rejects_file(rejects_path, rejects_dir())
    if path is None:
        return _error(404, "logs.no_rejects")
    return send_file(path, mimetype="text/csv", as_attachment=True, download_name=f"rejects-job-{job_id}.csv")


def rejects_url(app: Dash, job_id: int) -> str:
    """The link to a job's rejects file (relative to where the app is served)."""
    return app.get_relative_path(REJECTS_ROUTE.replace("<int:job_id>", str(job_id)))


def register_routes(app: Dash) -> None:
    """Add the upload and rejects routes to the Dash app's Flask server."""
    app.server.add_url_rule(UPLOAD_ROUTE, UPLOAD_ENDPOINT, receive_log_upload, methods=["POST"])
    app.server.add_url_rule(REJECTS_ROUTE, "egov_log_rejects", send_rejects, methods=["GET"])
