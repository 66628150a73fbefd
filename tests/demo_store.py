"""A fresh demo store for the tests that read the configured store: notebooks and API examples.

Built once per test session, the way a user gets it (``egov demo --province QM``: every plan year's
workbooks and the service logs, through the real ingest), in a folder of its own, so nothing the other
tests write can change what these see.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import pytest

DEMO_PROVINCE = "QM"


@cache
def demo_data_dir() -> Path:
    """The data folder of a demo store for Qom (about 25 s to build, once per session)."""
    folder = Path(tempfile.mkdtemp(prefix="egov-demo-store-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    command = [sys.executable, "-m", "egov.cli", "demo", "--province", DEMO_PROVINCE]
    done = subprocess.run(command, env=demo_env(folder), capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"`egov demo` failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return folder


def demo_env(folder: Path) -> dict[str, str]:
    """This process's environment pointed at ``folder``'s store (the default SQLite file in it)."""
    env = {**os.environ, "EGOV_DATA_DIR": str(folder)}
    env.pop("EGOV_DATABASE_URL", None)
    return env
