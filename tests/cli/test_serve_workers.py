"""``egov serve --workers 2`` serves the same app from two gunicorn worker processes."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.engine import create_store_engine, upgrade_store

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


_BROWSER = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
"""Keeps cookies like a browser: one sign-in, then every request carries the session."""


def _get(url: str) -> tuple[int, bytes]:
    # A kept-alive connection the server has just closed (a busy CI machine) resets once: ask again on a
    # new one. A worker that really failed shows in the server log, which the test checks.
    for attempt in range(2):
        try:
            with _BROWSER.open(url, timeout=30) as answer:
                return answer.status, answer.read()
        except ConnectionResetError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _sign_in(base: str, name: str, password: str) -> None:
    _, page = _get(f"{base}/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page)
    assert token, page[:500]
    form = urllib.parse.urlencode({"name": name, "password": password, "csrf_token": token.group(1).decode()})
    with _BROWSER.open(f"{base}/login", data=form.encode(), timeout=30) as answer:
        assert answer.status == 200 and b"react-entry-point" in answer.read()  # signed in: the app itself


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, int]]:
    """The dashboard under ``egov serve --workers 2`` on a free port: its base URL, log file and master pid."""
    database_url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    engine = create_store_engine(database_url)
    upgrade_store(engine)
    engine.dispose()
    env = {**os.environ, "EGOV_DATA_DIR": str(tmp_path / "data"), "EGOV_DATABASE_URL": database_url}
    password = secrets.token_urlsafe(12)
    made = subprocess.run(
        [sys.executable, "-m", "egov.cli", "users", "add", "office-admin", "--role", "admin", "--password-stdin"],
        cwd=REPO,
        env=env,
        input=password + "\n",
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    port = _free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "egov.cli", "serve", "--workers", "2", "--host", "127.0.0.1", "--port", str(port)]
    with log.open("wb") as output:
        server = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if _get(f"{base}/login")[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"egov serve --workers 2 did not come up:\n{log.read_text(errors='replace')[-4000:]}")
            time.sleep(0.5)
        _sign_in(base, "office-admin", password)
        yield base, log, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def test_two_gunicorn_workers_serve_the_same_app(served: tuple[str, Path, int]) -> None:
    import psutil

    base, log, master_pid = served
    status, page = _get(f"{base}/logs?lang=en")
    assert status == 200 and b'<html lang="en" dir="ltr">' in page
    answering: set[str] = set()
    deadline = time.monotonic() + 60
    requests = 0
    while (len(answering) < 2 or requests < 6) and time.monotonic() < deadline:
        for path in ("/", "/_dash-layout"):
            status, _ = _get(f"{base}{path}")
            assert status == 200, path
            requests += 1
        answering = set(re.findall(r"worker=<?(\d+)", log.read_text(errors="replace")))
    workers = {str(child.pid) for child in psutil.Process(master_pid).children()}
    assert len(workers) == 2, log.read_text(errors="replace")[-3000:]
    assert answering == workers, f"answered by {answering}, workers {workers}"
    served = log.read_text(errors="replace")
    assert "WORKER TIMEOUT" not in served and "Traceback" not in served, served[-3000:]
