"""An inbox folder that other systems drop their nightly exports into.

Each new file is processed once, never while it is still being written (its size and mtime must
hold still for ``settle_seconds``, and names ending in .part/.tmp or starting with a dot are
ignored), then moved to ``processed/`` or ``failed/`` with a ``.summary.json`` beside it. A lock
file keeps two watchers (cron overlapping a service) from taking the same file.
"""

from __future__ import annotations

import fcntl
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from ingest.service_logs import LogIngestOutcome, ingest_log_file, summary_json

LOG_SUFFIXES = (".csv", ".csv.gz", ".xlsx")
_IGNORED_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload")


@dataclass(frozen=True)
class InboxFolders:
    inbox: Path

    @property
    def processed(self) -> Path:
        return self.inbox / "processed"

    @property
    def failed(self) -> Path:
        return self.inbox / "failed"

    @property
    def rejects(self) -> Path:
        return self.inbox / "rejects"


def _candidates(inbox: Path) -> list[Path]:
    return sorted(
        path
        for path in inbox.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.name.lower().endswith(LOG_SUFFIXES)
        and not path.name.lower().endswith(_IGNORED_SUFFIXES)
    )


def settled_files(inbox: Path, *, settle_seconds: float) -> list[Path]:
    """Files whose size and modification time did not change for ``settle_seconds``."""
    first = {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in _candidates(inbox)}
    now = time.time()
    if settle_seconds > 0:
        time.sleep(settle_seconds)
    settled = []
    for path, seen in first.items():
        if not path.exists():
            continue
        stat = path.stat()
        if (stat.st_size, stat.st_mtime_ns) == seen and now - stat.st_mtime >= settle_seconds:
            settled.append(path)
    return settled


@contextmanager
def inbox_lock(inbox: Path) -> Iterator[bool]:
    """An exclusive, non-blocking lock on the inbox; yields False if another watcher holds it."""
    handle = (inbox / ".egov-watch.lock").open("w")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        yield False
        return
    try:
        yield True
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _move_beside_summary(path: Path, folder: Path, outcome: LogIngestOutcome) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    if target.exists():  # the same name arrived again: keep both
        target = folder / f"{time.strftime('%Y%m%dT%H%M%S')}_{path.name}"
    shutil.move(str(path), target)
    target.with_name(target.name + ".summary.json").write_text(summary_json(outcome), encoding="utf-8")
    return target


def process_inbox_once(
    engine: Engine,
    inbox: Path,
    *,
    actor: str = "watch",
    settle_seconds: float = 2.0,
    max_rejected_share: float | None = None,
    on_file: Callable[[Path, LogIngestOutcome], None] | None = None,
) -> list[LogIngestOutcome]:
    """Process every settled file in the inbox once; safe to run from cron."""
    folders = InboxFolders(inbox)
    outcomes: list[LogIngestOutcome] = []
    with inbox_lock(inbox) as locked:
        if not locked:
            return outcomes
        for path in settled_files(inbox, settle_seconds=settle_seconds):
            outcome = ingest_log_file(
                engine,
                path,
                rejects_dir=folders.rejects,
                actor=actor,
                trigger="watch",
                max_rejected_share=max_rejected_share,
            )
            ok = outcome.status in ("done", "duplicate")
            _move_beside_summary(path, folders.processed if ok else folders.failed, outcome)
            outcomes.append(outcome)
            if on_file is not None:
                on_file(path, outcome)
    return outcomes


def watch_inbox(
    engine: Engine,
    inbox: Path,
    *,
    interval_seconds: float = 30.0,
    settle_seconds: float = 2.0,
    max_rejected_share: float | None = None,
    on_file: Callable[[Path, LogIngestOutcome], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Run as a long-lived service: look at the inbox every ``interval_seconds`` until stopped."""
    inbox.mkdir(parents=True, exist_ok=True)
    while not should_stop():
        process_inbox_once(
            engine, inbox, settle_seconds=settle_seconds, max_rejected_share=max_rejected_share, on_file=on_file
        )
        time.sleep(interval_seconds)
