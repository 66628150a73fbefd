"""Registers the scorecard page; its body and callbacks are in ``dashboard.views.scorecard``."""

import dash

from dashboard.i18n import t
from dashboard.views.scorecard import layout

dash.register_page(
    __name__,
    path="/scorecard",
    name=t("page.scorecard", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
