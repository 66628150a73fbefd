"""Registers the review page; its body and callbacks are in ``dashboard.views.review``."""

import dash

from dashboard.i18n import t
from dashboard.views.review import layout

dash.register_page(
    __name__,
    path="/review",
    name=t("page.review", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
