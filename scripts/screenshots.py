"""Save a PNG of every dashboard page in Persian and English: ``docs/screenshots/<page>-<lang>.png``.

Run with the project's Python (``make screenshots``). By default it builds the Qom demo store in a
temporary folder through the real ingest (``egov.demo`` workbooks → ``ingest_report_file``), so the
pictures do not depend on what is in your store; ``--configured`` uses the configured store instead.
The app is served on 127.0.0.1 from a thread and photographed in Debian's headless Chromium. The page
list is ``dashboard.layout.NAV_PAGES``, so a new page is photographed without touching this script.
"""

from __future__ import annotations

import argparse
import os
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
PAGE_SETTLED = """
const busy = document.querySelector('[data-dash-is-loading="true"], ._dash-loading');
const graphs = [...document.querySelectorAll('.dash-graph')];
const drawn = graphs.every(g => g.querySelector('.main-svg'));
return !!document.querySelector('h1') && !busy && drawn && document.fonts.status === 'loaded';
"""


def build_demo_store(folder: Path) -> Any:
    """A migrated SQLite store in ``folder`` with the Qom demo workbooks ingested."""
    from egov.demo import demo_reports, load_demo_spec
    from ingest.submissions import ingest_report_file
    from store.engine import create_store_engine, upgrade_store

    engine = create_store_engine(f"sqlite:///{folder / 'screenshots.sqlite3'}")
    upgrade_store(engine)
    for report in demo_reports(load_demo_spec(), provinces={DEMO_PROVINCE}, years=DEMO_YEARS):
        path = folder / report.file_name
        report.builder().save(path)
        outcome = ingest_report_file(engine, path, actor="screenshots", max_bytes=10**7)
        if outcome.status != "stored":
            raise SystemExit(f"demo workbook {path.name} was not stored: {outcome.status}")
    return engine


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
        try:
            for page in [p for p in NAV_PAGES if not args.pages or p.key in args.pages]:
                for lang in ("fa", "en"):
                    target = args.out / f"{page.key}-{lang}.png"
                    photograph(driver, base + href(page.path, lang, **states[page.key]), target)
                    print(f"saved {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
        finally:
            driver.quit()
            server.shutdown()
            engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
