"""Registers the reporting page; its body and callbacks are in ``dashboard.views.reporting``."""

import dash

from dashboard.i18n import t
from dashboard.views.reporting import layout

dash.register_page(
    __name__,
    path="/reporting",
    name=t("page.reporting", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
