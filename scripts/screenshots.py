"""Save a PNG of every dashboard page in Persian and English: ``docs/screenshots/<page>-<lang>.png``.

Run with the project's Python (``make screenshots``). By default it builds the Qom demo store in a
temporary folder through the real ingest (``egov.demo`` workbooks → ``ingest_report_file``), so the
pictures do not depend on what is in your store; ``--configured`` uses the configured store instead.
The app is served on 127.0.0.1 from a thread and photographed in Debian's headless Chromium. The page
list is ``dashboard.layout.NAV_PAGES``, so a new page is photographed without touching this script.

Every page needs a signed-in user who may open it (``dashboard.access.PAGE_ROLES``): the script makes one
user per role it needs (a governor's office of the demo province where it may, else an IT director of
the province's best agency, else an administrator), each with a random password that lives only in
this process, signs each in through the real ``/login`` page, signs it out with the header's button
when done, and disables it at the end (no account it made stays usable, in the configured store too).
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--window-size=1400,1000",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-sync",
    "--disable-extensions",
    "--metrics-recording-only",
    "--no-first-run",
    "--hide-scrollbars",
)
DEMO_PROVINCE = "QM"
DEMO_YEARS = (1393, 1394)
PENDING_YEAR = 1392
"""One demo report of this year is left waiting for review, so the review page has one to decide
(an earlier year than the pages show, so their scores are the approved data's)."""
ROLES_IN_TURN = ("governor", "it_director", "admin")
"""Who photographs the pages, first choice first (the first role that may open a page takes it)."""
PAGE_SETTLED = """
const busy = document.querySelector('[data-dash-is-loading="true"], ._dash-loading');
const graphs = [...document.querySelectorAll('.dash-graph')];
const drawn = graphs.every(g => g.querySelector('.main-svg'));
return !!document.querySelector('h1') && !busy && drawn && document.fonts.status === 'loaded';
"""


def build_demo_store(folder: Path) -> Any:
    """A migrated SQLite store in ``folder`` with the Qom demo workbooks ingested."""
    from egov.demo import demo_reports, load_demo_spec, set_demo_deadlines
    from ingest.submissions import ingest_report_file
    from store.engine import create_store_engine, upgrade_store

    engine = create_store_engine(f"sqlite:///{folder / 'screenshots.sqlite3'}")
    upgrade_store(engine)
    for report in demo_reports(load_demo_spec(), provinces={DEMO_PROVINCE}, years=DEMO_YEARS):
        path = folder / report.file_name
        report.builder().save(path)
        outcome = ingest_report_file(
            engine,
            path,
            actor="screenshots",
            max_bytes=10**7,
            approved_by="screenshots",
            submitted_at=report.submitted_at,
        )
        if outcome.status != "stored":
            raise SystemExit(f"demo workbook {path.name} was not stored: {outcome.status}")
    waiting = next(iter(demo_reports(load_demo_spec(), provinces={DEMO_PROVINCE}, years=(PENDING_YEAR, PENDING_YEAR))))
    path = folder / waiting.file_name
    waiting.builder().save(path)
    # pending: not approved
    outcome = ingest_report_file(engine, path, actor="screenshots", max_bytes=10**7, submitted_at=waiting.submitted_at)
    if outcome.status != "stored":
        raise SystemExit(f"demo workbook {path.name} was not stored: {outcome.status}")
    set_demo_deadlines(engine, load_demo_spec(), DEMO_YEARS)
    _ingest_demo_logs(engine, folder)
    return engine


def _ingest_demo_logs(engine: Any, folder: Path) -> None:
    """The demo's service logs for the province and years, as ``egov demo`` loads them: the scorecard's
    claimed-against-observed panel and the Service logs page's job list then show what a user sees."""
    from egov.demo import load_demo_spec, plan_agencies
    from egov.demo_logs import demo_log_files, write_log_file
    from ingest.service_logs import ingest_log_file
    from store.declared import load_organisation

    spec = load_demo_spec()
    plans = plan_agencies(spec, load_organisation().agencies)
    for log, frame in demo_log_files(plans, spec, provinces={DEMO_PROVINCE}, years=DEMO_YEARS):
        path = write_log_file(frame, folder / "logs" / log.file_name)
        outcome = ingest_log_file(
            engine, path, rejects_dir=folder / "rejects", actor="screenshots", source=log.source_system
        )
        if outcome.status != "done":
            raise SystemExit(f"demo log {path.name} was not stored: {outcome.status} {outcome.message_en}")


def page_states(engine: Any) -> dict[str, dict[str, str]]:
    """Query parameters that make each page show something: the demo province, its best agencies."""
    from dashboard.layout import NAV_PAGES
    from metrics import api

    year = max(DEMO_YEARS)
    ranked = api.scores(year, province=DEMO_PROVINCE, engine=engine).dropna(subset=["rank_province"])
    best = [str(code) for code in ranked.index[:3]]
    common = {"province": DEMO_PROVINCE, "year": str(year)}
    states = {page.key: dict(common) for page in NAV_PAGES}
    states["compare"]["agencies"] = ",".join(best)
    if best:
        states.get("scorecard", {})["agency"] = best[0]
    return states


def pages_by_role(pages: list[Any]) -> dict[str, list[Any]]:
    """The pages under the first role of ``ROLES_IN_TURN`` that may open each (roles with none left out)."""
    from dashboard.access import PAGE_ROLES

    grouped: dict[str, list[Any]] = {}
    for page in pages:
        role = next((r for r in ROLES_IN_TURN if r in PAGE_ROLES[page.key]), None)
        if role is None:
            raise SystemExit(f"no role of {', '.join(ROLES_IN_TURN)} may open the {page.key} page")
        grouped.setdefault(role, []).append(page)
    return dict(sorted(grouped.items(), key=lambda item: ROLES_IN_TURN.index(item[0])))


def add_photographer(engine: Any, role: str, states: dict[str, dict[str, str]]) -> tuple[str, str]:
    """A new user of ``role`` for this run; returns (name, password). The password is random and is
    neither printed nor written anywhere."""
    from store.accounts import add_user

    name = f"screenshots-{role}-{secrets.token_hex(3)}"
    password = secrets.token_urlsafe(24)
    scope: dict[str, str] = {}
    if role == "governor":
        scope["province"] = DEMO_PROVINCE
    elif role == "it_director":
        agency = states.get("scorecard", {}).get("agency")
        if not agency:
            raise SystemExit(f"no agency of {DEMO_PROVINCE} is ranked: nobody to photograph the upload page as")
        scope["agency"] = agency
    add_user(engine, name, role=role, password=password, actor="screenshots", display_name="screenshots", **scope)
    return name, password


def sign_in(driver: Any, base: str, name: str, password: str, next_path: str, *, timeout_s: float = 30.0) -> None:
    """Sign in through the app's own sign-in page, then wait until the page asked for has loaded."""
    from urllib.parse import quote

    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    driver.get(f"{base}/login?next={quote(next_path)}")
    WebDriverWait(driver, timeout_s).until(lambda d: d.find_elements(By.ID, "name"))
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "sign-in").click()
    try:
        WebDriverWait(driver, timeout_s).until(lambda d: d.find_elements(By.ID, "_pages_content"))
    except TimeoutException:
        raise SystemExit(f"could not sign in as {name} (still at {driver.current_url})") from None


def sign_out(driver: Any, *, timeout_s: float = 30.0) -> None:
    """Press the header's sign-out button (the session is ended on the server)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    from dashboard import ids

    driver.find_element(By.ID, ids.SIGN_OUT).click()
    WebDriverWait(driver, timeout_s).until(lambda d: "/login" in d.current_url)


def serve(app: Any) -> tuple[str, Any]:
    """Start the app on a free local port in a daemon thread; returns its URL and the server."""
    import logging

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per page, not one per request
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def open_browser() -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def photograph(driver: Any, url: str, target: Path, *, timeout_s: float = 30.0) -> None:
    """Open ``url``, wait until the page and its charts are drawn, and save the viewport as PNG."""
    from selenium.webdriver.support.wait import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, timeout_s).until(lambda d: d.execute_script(PAGE_SETTLED))
    time.sleep(0.8)  # let transitions (navbar, chart resize) finish
    driver.save_screenshot(str(target))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots", help="folder for the PNGs")
    parser.add_argument("--configured", action="store_true", help="photograph the configured store, not the demo")
    parser.add_argument("--pages", nargs="*", help="only these page keys (default: every page in the navbar)")
    args = parser.parse_args(argv)
    from dashboard.app import create_app
    from dashboard.layout import NAV_PAGES
    from dashboard.urls import href

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="egov-screenshots-") as scratch:
        if args.configured:
            from store.engine import open_store

            engine = open_store()
        else:
            os.environ["EGOV_DATA_DIR"] = scratch  # nothing of the demo lands in the user's data folder
            engine = build_demo_store(Path(scratch))
        states = page_states(engine)
        base, server = serve(create_app(engine=engine))
        driver = open_browser()
        made: list[str] = []
        try:
            pages = [p for p in NAV_PAGES if not args.pages or p.key in args.pages]
            for role, role_pages in pages_by_role(pages).items():
                # Each user is made just before it signs in, after the governor's office has photographed
                # the audit page: that page fails on an event without a file, such as a user added in its
                # province (dashboard/views/audit.py, pandas NaN); with that fixed, the order is free.
                name, password = add_photographer(engine, role, states)
                made.append(name)
                sign_in(driver, base, name, password, href(role_pages[0].path, "fa", **states[role_pages[0].key]))
                for page in role_pages:
                    for lang in ("fa", "en"):
                        target = args.out / f"{page.key}-{lang}.png"
                        photograph(driver, base + href(page.path, lang, **states[page.key]), target)
                        print(f"saved {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
                sign_out(driver)
        finally:
            driver.quit()
            server.shutdown()
            from store.accounts import disable_user

            for name in made:
                disable_user(engine, name, actor="screenshots")
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
