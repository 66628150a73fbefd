"""Registers the overview page; its body and callbacks are in ``dashboard.views.overview``."""

import dash

from dashboard.i18n import t
from dashboard.views.overview import layout

dash.register_page(
    __name__,
    path="/overview",
    name=t("page.overview", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
