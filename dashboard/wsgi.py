"""The dashboard as a WSGI app for gunicorn: what ``egov serve --workers N`` runs, for an office.

Each gunicorn worker builds its own app (``create_server``, after the fork), from the same settings as
``egov serve``; background jobs go through the shared DiskCache folder or Celery, so any worker can
answer a page's polls. By hand: ``gunicorn --workers 4 --threads 4 'dashboard.wsgi:create_server()'``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from dashboard.app import create_app
from store.engine import open_store


def create_server() -> Flask:
    """A fresh dashboard's Flask server (the app factory gunicorn calls in each worker)."""
    return create_app().server


class DashboardGunicorn(BaseApplication):
    """gunicorn with the dashboard's factory and options given in code (no config file, no command-line parsing)."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_server()


def gunicorn_options(*, host: str, port: int, workers: int, threads: int = 4, timeout_s: int = 120) -> dict[str, Any]:
    """gunicorn's settings for ``egov serve --workers N``: threaded workers, so slow requests do not queue.

    >>> gunicorn_options(host="0.0.0.0", port=8050, workers=3)["bind"]
    ['0.0.0.0:8050']
    """
    return {
        "bind": [f"{host}:{port}"],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout_s,
        "graceful_timeout": 20,
        "accesslog": "-",
        "access_log_format": '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms worker=%(p)s',
        "preload_app": False,
    }


def serve_with_gunicorn(*, host: str, port: int, workers: int) -> None:
    """Serve the dashboard with ``workers`` gunicorn processes until stopped (SIGTERM or Ctrl-C).

    The store is migrated here, once, before the workers start (each would otherwise race to migrate
    a fresh store on its first request); the engine's connections are closed so none crosses the fork.
    """
    open_store().dispose()
    DashboardGunicorn(gunicorn_options(host=host, port=port, workers=workers)).run()
