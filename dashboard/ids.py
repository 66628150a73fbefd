"""Every component id of the dashboard, in one place.

Callbacks and tests refer to these names, never to string literals, so a renamed id breaks loudly.
Ids are kebab-case and prefixed by the page that owns them (``shell-``, ``reporting-``, ``upload-``).
"""

from __future__ import annotations

# --- the shell (dashboard/layout.py) ---------------------------------------------------------------------
URL = "shell-url"
"""The shell's own ``dcc.Location``: the language and each page's state live in its query string."""
DIRECTION = "shell-direction"
HTML_ATTRS_SINK = "shell-html-attrs-sink"
"""A hidden div the clientside callback writes to after setting ``<html lang dir>``."""
PRODUCT_NAME = "shell-product-name"
PRODUCT_NAME_OTHER = "shell-product-name-other"
LANG_FA = "shell-lang-fa"
LANG_EN = "shell-lang-en"
NAVBAR = "shell-navbar"
BURGER = "shell-burger"
APPSHELL = "shell-appshell"
NAV_LINK_PREFIX = "shell-nav-"
"""``shell-nav-<page key>``: one link per page in the navbar (see ``dashboard.layout.NAV_PAGES``)."""


def nav_link(page_key: str) -> str:
    """The id of the navbar link of a page."""
    return f"{NAV_LINK_PREFIX}{page_key}"


# --- home ------------------------------------------------------------------------------------------------
HOME_TITLE = "home-title"

# --- methodology -----------------------------------------------------------------------------------------
METHODOLOGY_TITLE = "methodology-title"
METHODOLOGY_PILLARS = "methodology-pillars"

# --- reporting -------------------------------------------------------------------------------------------
REPORTING_TITLE = "reporting-title"
REPORTING_PROVINCE = "reporting-province"
REPORTING_MATRIX = "reporting-matrix"
REPORTING_SUMMARY = "reporting-summary"
REPORTING_HISTORY = "reporting-history"

# --- upload ----------------------------------------------------------------------------------------------
UPLOAD_TITLE = "upload-title"
UPLOAD_AGENCY = "upload-agency"
UPLOAD_YEAR = "upload-year"
UPLOAD_TEMPLATE_BUTTON = "upload-template-button"
UPLOAD_TEMPLATE_DOWNLOAD = "upload-template-download"
UPLOAD_DROPZONE = "upload-dropzone"
UPLOAD_DROPZONE_WRAPPER = "upload-dropzone-wrapper"
UPLOAD_TOO_LARGE = "upload-too-large"
UPLOAD_REPORT = "upload-report"
UPLOAD_CONFIRM = "upload-confirm"
UPLOAD_RESULT = "upload-result"
UPLOAD_LANG = "upload-lang"
"""A ``dcc.Store`` holding the page's language, so callbacks answer in it."""

# --- not found -------------------------------------------------------------------------------------------
NOT_FOUND_TITLE = "not-found-title"
