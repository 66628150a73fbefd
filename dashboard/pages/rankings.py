"""Registers the rankings page; its body and callbacks are in ``dashboard.views.rankings``."""

import dash

from dashboard.i18n import t
from dashboard.views.rankings import layout

dash.register_page(
    __name__,
    path="/rankings",
    name=t("page.rankings", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
