"""Which store the dashboard reads: the engine given to ``create_app``, else the configured store.

Callbacks and page layouts run inside a Flask request, so they find the app's engine through
``flask.current_app``; outside a request (notebooks, unit tests) pass an engine explicitly.
"""

from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy import Engine

from store.engine import open_store

ENGINE_CONFIG_KEY = "EGOV_ENGINE"


def current_engine() -> Engine:
    """The engine of the running app, or the configured store when there is none."""
    if has_app_context():
        engine = current_app.config.get(ENGINE_CONFIG_KEY)
        if engine is not None:
            return engine
    return open_store()
