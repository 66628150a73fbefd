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

# --- overview/rankings/scorecard ---
OVERVIEW_TITLE = "overview-title"
OVERVIEW_YEAR = "overview-year"
OVERVIEW_PROVINCE = "overview-province"
OVERVIEW_SCORED = "overview-scored"
OVERVIEW_STATUS = "overview-status"
OVERVIEW_DISTRIBUTION = "overview-distribution"
OVERVIEW_PILLARS = "overview-pillars"
OVERVIEW_MATURITY = "overview-maturity"
OVERVIEW_PROVINCE_STAGE = "overview-province-stage"
OVERVIEW_HONOURS = "overview-honours"
OVERVIEW_LAGGARDS = "overview-laggards"
OVERVIEW_COMPLETENESS = "overview-completeness"
RANKINGS_TITLE = "rankings-title"
RANKINGS_YEAR = "rankings-year"
RANKINGS_PROVINCE = "rankings-province"
RANKINGS_COUNTY = "rankings-county"
RANKINGS_SECTOR = "rankings-sector"
RANKINGS_PILLAR = "rankings-pillar"
RANKINGS_STATUS = "rankings-status"
RANKINGS_PENDING = "rankings-pending"
"""Include submissions waiting for review (``?pending=1``); their agencies are marked in the grid."""
RANKINGS_COUNT = "rankings-count"
RANKINGS_GRID = "rankings-grid"
"""An AG Grid on the infinite row model: rows come block by block from ``getRowsRequest``."""
SCORECARD_TITLE = "scorecard-title"
SCORECARD_AGENCY = "scorecard-agency"
SCORECARD_YEAR = "scorecard-year"
SCORECARD_EMPTY = "scorecard-empty"
SCORECARD_AGENCY_NAME = "scorecard-agency-name"
SCORECARD_KPIS = "scorecard-kpis"
SCORECARD_PILLARS = "scorecard-pillars"
SCORECARD_PATHS = "scorecard-paths"
SCORECARD_INDICATORS = "scorecard-indicators"
SCORECARD_STAGE = "scorecard-stage"
SCORECARD_CLAIMS = "scorecard-claims"
SCORECARD_FLAGS = "scorecard-flags"
SCORECARD_HISTORY = "scorecard-history"
SCORECARD_REVIEW_NOTE = "scorecard-review-note"
"""Shown when the agency's report for the year waits for review or was returned."""
SCORECARD_DOWNLOAD_BUTTON = "scorecard-download-button"
SCORECARD_DOWNLOAD = "scorecard-download"
SCORECARD_PRINT_BUTTON = "scorecard-print-button"
SCORECARD_PRINT_SINK = "scorecard-print-sink"
# --- end overview/rankings/scorecard ---

# --- not found -------------------------------------------------------------------------------------------
NOT_FOUND_TITLE = "not-found-title"
FORBIDDEN_TITLE = "not-found-forbidden-title"

# --- accounts ---
USER_NAME = "shell-user-name"
SIGN_OUT = "shell-sign-out"
SIGN_OUT_FORM = "shell-sign-out-form"
"""The sign-out form's button (a plain POST form to ``/logout`` with the CSRF token)."""
REVIEW_TITLE = "review-title"
REVIEW_LANG = "review-lang"
REVIEW_PICK = "review-pick"
REVIEW_COMMENT = "review-comment"
REVIEW_APPROVE = "review-approve"
REVIEW_RETURN = "review-return"
REVIEW_RESULT = "review-result"
REVIEW_QUEUE = "review-queue"
REVIEW_TABLE = "review-table"
AUDIT_TITLE = "audit-title"
AUDIT_LANG = "audit-lang"
AUDIT_EXPORT_BUTTON = "audit-export-button"
AUDIT_EXPORT = "audit-export"
AUDIT_TABLE = "audit-table"
ADMIN_TITLE = "admin-title"
ADMIN_LANG = "admin-lang"
ADMIN_NAME = "admin-name"
ADMIN_DISPLAY = "admin-display"
ADMIN_ROLE = "admin-role"
ADMIN_PLACE = "admin-place"
ADMIN_ADD = "admin-add"
ADMIN_RESET = "admin-reset"
ADMIN_DISABLE = "admin-disable"
ADMIN_RESULT = "admin-result"
ADMIN_PASSWORD = "admin-password"
"""The one-time password shown after adding a user or resetting one."""
ADMIN_USERS = "admin-users"
ADMIN_PERIOD = "admin-period"
ADMIN_DEADLINE = "admin-deadline"
ADMIN_SET_DEADLINE = "admin-set-deadline"
ADMIN_DEADLINE_RESULT = "admin-deadline-result"
ADMIN_DEADLINES = "admin-deadlines"
# --- end accounts ---

# --- compare/geography/what-if ---
COMPARE_TITLE = "compare-title"
COMPARE_AGENCIES = "compare-agencies"
COMPARE_YEAR = "compare-year"
COMPARE_BODY = "compare-body"
COMPARE_PROMPT = "compare-prompt"
COMPARE_SUMMARY = "compare-summary"
COMPARE_PILLARS = "compare-pillars"
COMPARE_INDICATORS = "compare-indicators"
GEO_TITLE = "geography-title"
GEO_PROVINCE = "geography-province"
GEO_YEAR = "geography-year"
GEO_SUMMARY = "geography-summary"
GEO_LEGEND = "geography-legend"
GEO_TREEMAP = "geography-treemap"
WHATIF_HOLDER = "whatif-holder"
"""Where the Methodology page puts the what-if panel; a callback fills it."""
WHATIF_SECTION = "whatif-section"
WHATIF_PROVINCE = "whatif-province"
WHATIF_YEAR = "whatif-year"
WHATIF_RESET = "whatif-reset"
WHATIF_TABLE = "whatif-table"
WHATIF_LANG = "whatif-lang"
WHATIF_WEIGHT_TYPE = "whatif-weight"
WHATIF_WEIGHT_LABEL_PREFIX = "whatif-weight-label-"


def whatif_weight(pillar: object) -> dict[str, object]:
    """The pattern-matching id of a pillar's weight slider (pass ``dash.ALL`` to match every one)."""
    return {"type": WHATIF_WEIGHT_TYPE, "pillar": pillar}


# --- end compare/geography/what-if ---

# --- log uploads/jobs ---
LOGS_TITLE = "logs-title"
LOGS_LANG = "logs-lang"
LOGS_FORM = "logs-form"
"""The upload form; ``assets/log_upload.js`` reads its data-* attributes (route, limit, texts, ids)."""
LOGS_PICKER = "logs-picker"
"""An empty div the script fills with the native ``<input type=file>`` (Dash has no file input of its own)."""
LOGS_FILE_INPUT = "logs-file-input"
LOGS_SOURCE = "logs-source"
LOGS_UPLOAD_BUTTON = "logs-upload-button"
LOGS_UPLOAD_PROGRESS = "logs-upload-progress"
LOGS_UPLOAD_MESSAGE = "logs-upload-message"
LOGS_TOKEN = "logs-token"
"""A ``dcc.Store`` the script sets to ``{"token", "file_name"}`` when the route has stored a file."""
LOGS_JOB_PANEL = "logs-job-panel"
LOGS_JOB_PROGRESS = "logs-job-progress"
LOGS_JOB_PROGRESS_TEXT = "logs-job-progress-text"
LOGS_RESULT = "logs-result"
"""A ``dcc.Store`` with the finished job's summary (what the background callback returns)."""
LOGS_OUTCOME = "logs-outcome"
LOGS_JOBS = "logs-jobs"
# --- end log uploads/jobs ---
