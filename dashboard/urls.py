"""Page state lives in the URL query (``?lang=en&province=QM``), so a link can be sent to someone.

Persian is the default and is left out of URLs; every other parameter is kept when the language changes.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dashboard.i18n import Lang, normalise_lang


def query_params(search: str | None) -> dict[str, str]:
    """The query string of a URL as a dict (last value wins; empty values dropped).

    >>> query_params("?lang=en&province=QM&x=")
    {'lang': 'en', 'province': 'QM'}
    >>> query_params(None)
    {}
    """
    return {key: value for key, value in parse_qsl((search or "").lstrip("?")) if value}


def lang_of(search: str | None) -> Lang:
    """The language a query string asks for.

    >>> lang_of("?lang=en"), lang_of("")
    ('en', 'fa')
    """
    return normalise_lang(query_params(search).get("lang"))


def href(path: str, lang: str, **params: object) -> str:
    """A link to ``path`` in ``lang`` with the given state; ``None`` and empty values are left out.

    >>> href("/reporting", "en", province="QM")
    '/reporting?lang=en&province=QM'
    >>> href("/reporting", "fa", province=None)
    '/reporting'
    """
    query: dict[str, str] = {}
    if normalise_lang(lang) != "fa":
        query["lang"] = normalise_lang(lang)
    query.update({key: str(value) for key, value in params.items() if value not in (None, "")})
    return f"{path}?{urlencode(query)}" if query else path


def with_lang(search: str | None, lang: str) -> str:
    """The same query string in another language (for the language toggle).

    >>> with_lang("?province=QM", "en")
    '?lang=en&province=QM'
    >>> with_lang("?lang=en&province=QM", "fa")
    '?province=QM'
    """
    params = {key: value for key, value in query_params(search).items() if key != "lang"}
    return href("", lang, **params)


def with_params(search: str | None, **params: object) -> str:
    """The same query string with some parameters set (``None`` removes one), language kept.

    >>> with_params("?lang=en&province=QM", province="AR")
    '?lang=en&province=AR'
    >>> with_params("?province=QM", province=None)
    ''
    """
    current = query_params(search)
    lang = current.pop("lang", "fa")
    current.update({key: str(value) for key, value in params.items() if value is not None})
    for key in [key for key, value in params.items() if value is None]:
        current.pop(key, None)
    return href("", lang, **current)
