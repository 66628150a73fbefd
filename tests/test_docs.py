"""The README documents every setting and every command a user can run."""

from __future__ import annotations

from pathlib import Path

import typer.main

from egov.cli import app
from store.settings import Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _command_paths(group: typer.Typer, prefix: str = "egov") -> list[str]:
    click_group = typer.main.get_command(group)
    paths = []
    for name, command in click_group.commands.items():  # type: ignore[attr-defined]
        if hasattr(command, "commands"):
            paths += [f"{prefix} {name} {sub}" for sub in command.commands]
        else:
            paths.append(f"{prefix} {name}")
    return paths


def test_every_setting_is_documented() -> None:
    missing = [f"EGOV_{name.upper()}" for name in Settings.model_fields if f"EGOV_{name.upper()}" not in README]
    assert not missing


def test_every_command_is_documented() -> None:
    paths = _command_paths(app)
    assert "egov ingest report" in paths and "egov db upgrade" in paths
    missing = [path for path in paths if f"`{path}" not in README]
    assert not missing
