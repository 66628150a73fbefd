"""Sign-in on the Dash server: sessions, cookies, CSRF, the sign-in page and the guard on every request.

- The session cookie carries only the id of a row in ``user_sessions`` (``store.accounts``): signing
  out revokes the row, so a copied cookie is refused afterwards; sessions expire after
  ``EGOV_SESSION_HOURS`` and after ``EGOV_SESSION_IDLE_MINUTES`` without a request.
- Cookies are HttpOnly (but the CSRF one, which the page's scripts must read), SameSite, and Secure
  over HTTPS (``EGOV_SECURE_COOKIES``).
- CSRF: Flask-WTF checks every POST. The sign-in and sign-out forms carry the token; Dash's renderer
  sends the ``_csrf_token`` cookie back as the ``X-CSRFToken`` header on every callback, and the
  log-upload script does the same, so no route is exempt.
- Every request but the sign-in page and the static assets needs a signed-in user; callbacks then
  pass ``dashboard.access.check_callback`` before Dash runs them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from dash import Dash
from flask import Flask, Response, current_app, jsonify, redirect, render_template_string, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_login import current_user as flask_current_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from jinja2 import Environment
from sqlalchemy.exc import DBAPIError

from dashboard import access
from dashboard.data import current_engine
from dashboard.i18n import direction, normalise_lang, t
from dashboard.log_uploads import receive_log_upload
from store.accounts import Principal, SignInRefused, authenticate, close_session, open_session, resolve_session
from store.settings import Settings, get_settings

LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"
CSRF_COOKIE = "_csrf_token"
"""The cookie Dash's renderer reads and sends back as ``X-CSRFToken`` (its default name)."""
PUBLIC_PREFIXES = ("/assets/",)
"""Fonts, styles and scripts: public code, needed by the sign-in page itself."""
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/")
"""Code, not data: the browser may cache it."""
DISPATCH_PATH = "/_dash-update-component"


class SignedIn(UserMixin):
    """Flask-Login's user: the session id (what the cookie holds) and the principal it resolves to."""

    def __init__(self, token: str, principal: Principal) -> None:
        self.token = token
        self.principal = principal

    def get_id(self) -> str:
        return self.token


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies when asked, or by default whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        configured = app.config.get("EGOV_SECURE_COOKIES")
        if configured is None:
            return bool(request.is_secure) if request else False
        return bool(configured)


def _secret_key(settings: Settings) -> str:
    """The configured key, else one made once and kept beside the store (every worker shares it)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def both(key: str) -> str:
    """An answer for scripts and people alike: English, then Persian."""
    return f"{t(key, 'en')} / {t(key, 'fa')}"


def remote_addr() -> str | None:
    return request.remote_addr if request else None


def _secure(app: Flask) -> bool:
    return _SessionInterface().get_cookie_secure(app)


def install(app: Dash, settings: Settings | None = None) -> None:
    """Put sign-in, CSRF and the request guard on the app's Flask server."""
    settings = settings or get_settings()
    server: Flask = app.server
    server.config.update(
        SECRET_KEY=_secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="egov_session",
        EGOV_SECURE_COOKIES=settings.secure_cookies,
        WTF_CSRF_TIME_LIMIT=None,  # bound by the session instead
        WTF_CSRF_SSL_STRICT=False,  # intranet proxies rewrite Referer; the token is the check
    )
    server.session_interface = _SessionInterface()
    server.extensions[access.CALLBACKS_KEY] = app.callback_map  # the same dict: pages' callbacks join it later
    server.before_request(_guard)  # before the CSRF check: an anonymous caller hears "sign in" (401)
    csrf = CSRFProtect(server)
    # Checked by the route itself from the X-CSRFToken header (see ``log_uploads.require_uploader``):
    # the form-based check would buffer the whole multipart body before the route streams it.
    csrf.exempt(f"{receive_log_upload.__module__}.{receive_log_upload.__name__}")
    manager = LoginManager(server)

    @manager.user_loader
    def load_user(token: str) -> SignedIn | None:
        principal = resolve_session(current_engine(), token, settings=settings)
        return SignedIn(token, principal) if principal is not None else None

    server.after_request(_signed_in_headers)
    server.register_error_handler(CSRFError, _csrf_refused)
    server.register_error_handler(DBAPIError, _store_unavailable)
    server.add_url_rule(LOGIN_PATH, "egov_login", _login_view(settings), methods=["GET", "POST"])
    server.add_url_rule(LOGOUT_PATH, "egov_logout", _logout, methods=["POST"])


def _guard() -> Any:
    path = request.path
    if path == LOGIN_PATH or path.startswith(PUBLIC_PREFIXES):
        return None
    principal = access.current_principal()
    if principal is None:
        if request.method == "GET" and not path.startswith(("/_dash", "/_reload", "/uploads")):
            target = request.full_path if request.query_string else path
            return redirect(f"{LOGIN_PATH}?{urlencode({'next': target})}")
        return jsonify(error=both("auth.sign_in_first")), 401
    if path == DISPATCH_PATH and request.method == "POST":
        refused = access.check_callback(
            principal, request.get_json(silent=True), callbacks=current_app.extensions.get(access.CALLBACKS_KEY)
        )
        if refused is not None:
            return jsonify(error=f"{both('auth.not_permitted')}: {refused}"), 403
    return None


def _signed_in_headers(response: Response) -> Response:
    """On a signed-in answer: the CSRF token its scripts send back (Dash reads this cookie by name),
    and ``no-store``, so after signing out the back button cannot show a page from the browser's cache."""
    if request.path.startswith(STATIC_PREFIXES):
        return response
    try:
        signed_in = access.current_principal() is not None
    except DBAPIError:  # the store is away: the answer (the 503 page, the sign-in form) goes out as it is
        signed_in = False
    if signed_in:
        response.set_cookie(
            CSRF_COOKIE, generate_csrf(), samesite="Strict", secure=_secure(current_app), httponly=False
        )
        response.headers["Cache-Control"] = "no-store"
    return response


def _csrf_refused(error: CSRFError) -> tuple[Response, int]:
    return jsonify(error=f"{both('auth.stale_form')} ({error.description})"), 400


_UNAVAILABLE_PAGE = """<!DOCTYPE html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>{{ title_fa }} / {{ title_en }}</title>
<link rel="stylesheet" href="/assets/fonts.css"><link rel="stylesheet" href="/assets/login.css"></head>
<body class="egov-login-body"><main class="egov-login" role="alert">
<h1>{{ title_fa }}</h1><p>{{ body_fa }}</p>
<h2 lang="en" dir="ltr">{{ title_en }}</h2><p lang="en" dir="ltr">{{ body_en }}</p>
<p><a href="{{ again }}">{{ again_fa }} / {{ again_en }}</a></p>
</main></body></html>"""


_UNAVAILABLE_TEMPLATE = Environment(autoescape=True).from_string(_UNAVAILABLE_PAGE)


def _store_unavailable(error: DBAPIError) -> tuple[Any, int]:
    """The store stopped answering mid-request: say so plainly (503) and keep serving.

    The engine checks connections before use (``pool_pre_ping``), so once the database is back the
    next request works again; nothing was half-written, since every write is one transaction.
    """
    current_app.logger.warning("store unavailable: %s", type(error.orig or error).__name__)
    if request.path.startswith(("/_dash", "/uploads")):
        return jsonify(error=both("store.unavailable")), 503
    # Rendered outside Flask's template context: its context processors would ask the store (who is
    # signed in?) again, and fail again, turning this answer into a 500.
    page = _UNAVAILABLE_TEMPLATE.render(
        title_fa=t("store.unavailable", "fa"),
        title_en=t("store.unavailable", "en"),
        body_fa=t("store.unavailable_body", "fa"),
        body_en=t("store.unavailable_body", "en"),
        again=request.full_path if request.query_string else request.path,
        again_fa=t("store.try_again", "fa"),
        again_en=t("store.try_again", "en"),
    )
    return Response(page, status=503, mimetype="text/html", headers={"Retry-After": "30"}), 503


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never another host (``//evil``, ``https://…``) after signing in."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


_LOGIN_PAGE = """<!DOCTYPE html>
<html lang="{{ lang }}" dir="{{ dir }}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<link rel="stylesheet" href="/assets/fonts.css">
<link rel="stylesheet" href="/assets/login.css">
</head>
<body class="egov-login-body">
<main class="egov-login">
  <h1>{{ product }}</h1>
  <p class="egov-login-other">{{ product_other }}</p>
  <form method="post" action="/login?lang={{ lang }}">
    <input type="hidden" name="csrf_token" value="{{ csrf }}">
    <input type="hidden" name="next" value="{{ next }}">
    <label for="name">{{ name_label }}</label>
    <input id="name" name="name" autocomplete="username" required maxlength="100" value="{{ name }}" autofocus>
    <label for="password">{{ password_label }}</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1000">
    {% if error %}<p class="egov-login-error" role="alert">{{ error }}</p>{% endif %}
    <button type="submit" id="sign-in">{{ submit }}</button>
  </form>
  <p><a href="/login?lang={{ other }}&amp;next={{ next|urlencode }}" lang="{{ other }}">{{ other_label }}</a></p>
</main>
</body>
</html>"""


def _login_view(settings: Settings) -> Any:
    def login() -> Any:
        lang = normalise_lang(request.args.get("lang"))
        next_path = _safe_next(request.values.get("next"))
        error, status, name = None, 200, ""
        if request.method == "POST":
            name = str(request.form.get("name", ""))[:100]
            try:
                principal = authenticate(
                    current_engine(),
                    name,
                    str(request.form.get("password", ""))[:1000],
                    remote_addr=remote_addr(),
                    settings=settings,
                )
            except SignInRefused as refused:
                status = 429 if refused.reason == "paused" else 401
                minutes = max(1, refused.retry_after_s // 60)
                error = t(f"login.{refused.reason}", lang, minutes=minutes)
            else:
                session.clear()  # nothing from before signing in carries over (fixation)
                token = open_session(current_engine(), principal, remote_addr=remote_addr(), settings=settings)
                login_user(SignedIn(token, principal))
                return redirect(next_path)
        other = "en" if lang == "fa" else "fa"
        page = render_template_string(
            _LOGIN_PAGE,
            lang=lang,
            dir=direction(lang),
            title=t("login.title", lang),
            product=t("product.name", lang),
            product_other=t("product.name", other),
            name_label=t("login.name", lang),
            password_label=t("login.password", lang),
            submit=t("login.submit", lang),
            other=other,
            other_label=t(f"lang.{other}", other),
            error=error,
            name=name,
            next=next_path,
            csrf=generate_csrf(),
        )
        response = Response(page, status=status, mimetype="text/html")
        if status == 429:
            response.headers["Retry-After"] = str(int(settings.sign_in_window_minutes * 60))  # whole seconds (RFC 9110)
        return response

    return login


def _logout() -> Any:
    user = flask_current_user
    if getattr(user, "is_authenticated", False):
        close_session(current_engine(), user.token)
    logout_user()
    session.clear()
    lang = normalise_lang(request.args.get("lang"))
    response = redirect(f"{LOGIN_PATH}?lang={lang}")
    response.delete_cookie(CSRF_COOKIE)
    return response
