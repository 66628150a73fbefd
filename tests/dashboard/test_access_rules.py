"""The access rules are complete: every page has its roles and every callback belongs to a known page."""

from __future__ import annotations

from pathlib import Path

import dash
import pytest
from sqlalchemy import Engine

from dashboard import ids
from dashboard.access import PAGE_ROLES, ROUTER_OUTPUT, _output_ids, check_callback, page_of_id
from dashboard.app import create_app
from store.accounts import Principal
from store.engine import create_store_engine, upgrade_store

ANALYST = Principal(user_id=1, name="ana", display_name="Ana", role="analyst")
DIRECTOR = Principal(user_id=2, name="kahak", display_name="Kahak", role="it_director", agency_code="QM-GOV")


@pytest.fixture(scope="module")
def app_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = create_store_engine(f"sqlite:///{tmp_path_factory.mktemp('rules') / 'store.sqlite3'}")
    upgrade_store(engine)
    return engine


def test_every_page_declares_who_may_open_it(app_engine: Engine) -> None:
    create_app(engine=app_engine)
    keys = {Path(module.replace(".", "/")).name for module in dash.page_registry}
    keys = {"not_found" if key == "not_found_404" else key for key in keys}
    assert keys <= set(PAGE_ROLES), keys - set(PAGE_ROLES)


def test_every_callback_belongs_to_a_page_so_none_escapes_the_check(app_engine: Engine) -> None:
    app = create_app(engine=app_engine)
    for output, spec in app.callback_map.items():
        outputs = _output_ids({"output": output})
        if ROUTER_OUTPUT in outputs or spec.get("clientside_function"):
            continue  # the router's layouts are checked by the page guard; clientside ones never reach us
        component_ids = [*outputs, *(i["id"] for i in spec["inputs"]), *(s["id"] for s in spec["state"])]
        unknown = [c for c in component_ids if page_of_id(c) is None]
        assert not unknown, (output, unknown)


def test_an_unknown_component_is_refused_and_a_page_is_checked_against_the_role(app_engine: Engine) -> None:
    with create_app(engine=app_engine).server.test_request_context("/"):
        assert check_callback(ANALYST, {"output": "made-up-thing.children", "inputs": []}) is not None
        assert check_callback(ANALYST, "not a body") is not None
        upload = {"output": f"{ids.UPLOAD_TEMPLATE_BUTTON}.disabled", "inputs": []}
        assert "upload" in str(check_callback(ANALYST, upload))
        own = {
            "output": f"{ids.UPLOAD_TEMPLATE_DOWNLOAD}.data",
            "inputs": [{"id": ids.UPLOAD_TEMPLATE_BUTTON, "property": "n_clicks", "value": 1}],
            "state": [{"id": ids.UPLOAD_AGENCY, "property": "value", "value": "QM-GOV"}],
        }
        assert check_callback(DIRECTOR, own) is None
        other = {**own, "state": [{"id": ids.UPLOAD_AGENCY, "property": "value", "value": "AR-GOV"}]}
        assert check_callback(DIRECTOR, other) is not None
