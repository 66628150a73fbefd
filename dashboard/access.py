"""Who may see which page and touch which agency: the dashboard's access rules, checked on the server.

Two doors lead to data, and both are checked here, never in the browser:

- a page (Dash pages render it by calling its ``layout``): every layout in the page registry is wrapped
  by :func:`guard_page_layouts`, which checks the page's roles and the agency, agencies and province
  its URL asks for, and renders "not permitted" instead;
- a callback (``POST /_dash-update-component``): :func:`check_callback` reads the request body before
  Dash runs anything, finds which page the callback belongs to from its component ids (ids are prefixed
  by their page, see ``dashboard.ids``), and checks the role, the agency values of the agency pickers,
  and the URL's state. A callback of no known page is refused: a new page must be declared here.

A hidden button is not a check: a crafted request meets the same rules as a click.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from dash.exceptions import PreventUpdate
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import Engine, select

from dashboard import ids
from dashboard.data import current_engine
from dashboard.figures import plain_tree
from store.accounts import ROLES, Principal, Role
from store.models import Agency

EVERYONE: frozenset[Role] = frozenset(ROLES)
PAGE_ROLES: dict[str, frozenset[Role]] = {
    "home": EVERYONE,
    "overview": EVERYONE,
    "rankings": EVERYONE,
    "geography": EVERYONE,
    "methodology": EVERYONE,
    "not_found": EVERYONE,
    "scorecard": EVERYONE,  # and only agencies the user may read (see ``may_read_agency``)
    "compare": frozenset({"admin", "analyst", "governor"}),
    "reporting": frozenset({"admin", "analyst", "governor"}),
    "upload": frozenset({"it_director"}),
    "logs": frozenset({"admin"}),
    "review": frozenset({"governor"}),
    "audit": frozenset({"admin", "governor"}),
    "admin": frozenset({"admin"}),
}
"""Which roles may open each page (its ``dashboard/pages/<key>.py``)."""

ID_PREFIX_PAGE: dict[str, str] = {
    "home": "home",
    "overview": "overview",
    "rankings": "rankings",
    "scorecard": "scorecard",
    "compare": "compare",
    "geography": "geography",
    "methodology": "methodology",
    "whatif": "methodology",
    "reporting": "reporting",
    "upload": "upload",
    "logs": "logs",
    "review": "review",
    "audit": "audit",
    "admin": "admin",
    "not": "not_found",
}
"""A component id's first word → the page that owns it (``shell-`` ids belong to every page)."""

AGENCY_INPUTS: dict[str, str] = {
    ids.SCORECARD_AGENCY: "read",
    ids.COMPARE_AGENCIES: "read",
    ids.UPLOAD_AGENCY: "report",
}
"""Pickers whose value is an agency code (or a list of them), and what the user must be allowed."""

PROVINCE_SCOPED_PAGES = frozenset({"reporting", "review", "audit"})
"""Pages whose rows are limited to a governor's office's own province."""

_PAGE_QUERY_AGENCY: dict[str, str] = {"scorecard": "read", "compare": "read", "upload": "report"}
ROUTER_OUTPUT = "_pages_content"
"""Dash pages' own content callback: its layout is checked by the page wrapper instead."""


def current_principal() -> Principal | None:
    """The signed-in user of this request (``None`` outside a request or when nobody is signed in)."""
    if not has_request_context():
        return None
    user = current_user
    if not getattr(user, "is_authenticated", False):
        return None
    principal: Principal = user.principal
    return principal


def require_principal() -> Principal:
    """The signed-in user of a callback, which the request guard has already let through.

    Raises ``PreventUpdate`` (no change on the page) if there is none, which only a call outside a
    guarded request can meet."""
    principal = current_principal()
    if principal is None:
        raise PreventUpdate
    return principal


def _agency_province(engine: Engine, code: str) -> str | None:
    """One indexed lookup: this runs on every guarded request, so no whole agency table is copied."""
    with engine.connect() as connection:
        province = connection.scalar(select(Agency.province_code).where(Agency.code == code))
    return None if province is None else str(province)


def may_read_agency(principal: Principal, code: str, engine: Engine | None = None) -> bool:
    engine = engine or current_engine()
    return principal.may_read_agency(code, _agency_province(engine, code))


def _codes(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part for part in value.split(",") if part]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def agencies_allowed(principal: Principal, codes: Iterable[str], need: str, engine: Engine | None = None) -> bool:
    """May ``principal`` read (``need`` = "read") or report for ("report") every one of ``codes``?"""
    for code in codes:
        if need == "report":
            if not principal.may_report_for(code):
                return False
        elif not may_read_agency(principal, code, engine):
            return False
    return True


def province_allowed(principal: Principal, page: str, province: Any) -> bool:
    """A governor's office asks only for its own province on province-scoped pages."""
    scope = principal.province_scope
    if page not in PROVINCE_SCOPED_PAGES or scope is None:
        return True
    return province in (None, "", "all", scope)


def page_allowed(principal: Principal, page: str, query: dict[str, Any], engine: Engine | None = None) -> bool:
    """The page's roles, then the agency, agencies and province its URL state asks for."""
    if principal.role not in PAGE_ROLES.get(page, frozenset()):
        return False
    need = _PAGE_QUERY_AGENCY.get(page)
    if need is not None:
        codes = _codes(query.get("agency")) + _codes(query.get("agencies"))
        if not agencies_allowed(principal, codes, need, engine):
            return False
    return province_allowed(principal, page, query.get("province"))


# ---- callbacks ------------------------------------------------------------------------------------------


def _id_words(component_id: Any) -> str:
    if isinstance(component_id, dict):
        return str(component_id.get("type", ""))
    text = str(component_id)
    if text.startswith("{"):  # a pattern-matching id as Dash writes it in the ``output`` key
        try:
            return str(json.loads(text).get("type", ""))
        except ValueError:
            return text
    return text


def page_of_id(component_id: Any) -> str | None:
    """The page owning a component id; ``"shell"`` for the shell's; ``None`` if unknown."""
    text = _id_words(component_id)
    if text.startswith("_pages_"):
        return "shell"  # Dash pages' own: the router (its layouts are guarded) and the title setter
    word = text.split("-", 1)[0]
    if word == "shell":
        return "shell"
    return ID_PREFIX_PAGE.get(word)


def _output_ids(body: dict[str, Any]) -> list[str]:
    """Component ids of a dispatch body's ``output`` key (``..a.prop...b.prop..`` when several)."""
    text = str(body.get("output", ""))
    parts = text.strip(".").split("...") if text.startswith("..") else [text]
    return [part.rsplit(".", 1)[0] for part in parts if part]


def _flat(items: Any) -> list[dict[str, Any]]:
    flat: list[dict[str, Any]] = []
    for item in items or []:
        if isinstance(item, list):
            flat.extend(_flat(item))
        elif isinstance(item, dict):
            flat.append(item)
    return flat


CALLBACKS_KEY = "egov_callback_map"
"""Where ``dashboard.auth.install`` keeps the Dash app's ``callback_map`` on the Flask server."""


def _id_matches(declared: Any, sent: Any) -> bool:
    """Is ``sent`` (a body's id) the component ``declared`` (a ``callback_map`` id, maybe a pattern)?"""
    if isinstance(declared, str) and declared.startswith("{"):
        pattern = json.loads(declared)
        if not isinstance(sent, dict) or set(sent) != set(pattern):
            return False
        return all(isinstance(want, list) or sent[key] == want for key, want in pattern.items())
    return sent == declared


def _props_match(declared: list[dict[str, Any]], sent: Any) -> bool:
    """The body's inputs (or state) name the callback's own, in its order: Dash passes them by position."""
    sent = [] if sent is None else sent  # the renderer leaves ``state`` out when a callback has none
    if not isinstance(sent, list) or len(sent) != len(declared):
        return False
    for want, got in zip(declared, sent, strict=True):
        items = got if isinstance(got, list) else [got]  # a pattern's ALL sends a list
        for item in items:
            if not isinstance(item, dict) or item.get("property") != want.get("property"):
                return False
            if not _id_matches(want.get("id"), item.get("id")):
                return False
    return True


def check_callback(
    principal: Principal,
    body: Any,
    engine: Engine | None = None,
    callbacks: dict[str, dict[str, Any]] | None = None,
) -> str | None:
    """Why this callback request is refused, or ``None`` if ``principal`` may make it.

    With ``callbacks`` (the app's ``callback_map``), the body must name a registered callback and send
    exactly its inputs and state: Dash hands the values to the function by position, so a body that put
    the URL's state under another id would otherwise pass the checks below unseen.
    """
    if not isinstance(body, dict):
        return "not a callback request"
    if callbacks is not None:
        spec = callbacks.get(str(body.get("output", "")))
        if spec is None:
            return "unknown callback"
        if not (
            _props_match(spec.get("inputs", []), body.get("inputs"))
            and _props_match(spec.get("state", []), body.get("state"))
        ):
            return "the request does not match the callback's inputs"
    outputs = _output_ids(body)
    if ROUTER_OUTPUT in outputs:
        return None  # the page's own layout is checked by ``guard_page_layouts``
    props = _flat(body.get("inputs")) + _flat(body.get("state"))
    pages: set[str] = set()
    for component_id in [*outputs, *(p.get("id") for p in props)]:
        page = page_of_id(component_id)
        if page is None:
            return f"unknown component {_id_words(component_id)!r}"
        pages.add(page)
    pages.discard("shell")
    query: dict[str, Any] = {}
    for prop in props:
        if prop.get("id") == ids.URL and prop.get("property") in ("search", "href") and prop.get("value"):
            search = str(prop["value"]).split("?", 1)[-1]
            query.update({k: v[-1] for k, v in parse_qs(search).items()})
    for page in pages:
        if not page_allowed(principal, page, query, engine):
            return f"the {page} page is not open to this account"
    for prop in props:
        need = AGENCY_INPUTS.get(str(prop.get("id")))
        if (
            need
            and prop.get("property") == "value"
            and not agencies_allowed(principal, _codes(prop.get("value")), need, engine)
        ):
            return "that agency is not open to this account"
        if str(prop.get("id", "")).endswith("-province") and prop.get("property") == "value":
            for page in pages:
                if not province_allowed(principal, page, prop.get("value")):
                    return "that province is not open to this account"
    return None


# ---- pages ----------------------------------------------------------------------------------------------


def guard_page_layouts(registry: dict[str, dict[str, Any]], forbidden: Callable[..., Any]) -> None:
    """Wrap every registered page's layout in the page check (once, however many apps are made)."""
    for module, page in registry.items():
        layout = page.get("layout")
        if not callable(layout) or getattr(layout, "__egov_guarded__", False):
            continue
        key = module.rsplit(".", 1)[-1]
        key = "not_found" if key == "not_found_404" else key
        page["layout"] = _guarded(key, layout, forbidden)


def _guarded(key: str, layout: Callable[..., Any], forbidden: Callable[..., Any]) -> Callable[..., Any]:
    def guarded_layout(**query: Any) -> Any:
        principal = current_principal()
        if principal is None or not page_allowed(principal, key, query):
            return forbidden(lang=query.get("lang", "fa"), signed_in=principal is not None)
        return plain_tree(layout(**query))  # encoded by orjson in C, not walked node by node

    guarded_layout.__egov_guarded__ = True  # type: ignore[attr-defined]
    guarded_layout.__wrapped__ = layout  # type: ignore[attr-defined]
    return guarded_layout
