"""Registers the service logs page; its body and callbacks are in ``dashboard.views.logs``."""

import dash

from dashboard.i18n import t
from dashboard.views.logs import layout

dash.register_page(
    __name__,
    path="/logs",
    name=t("page.logs", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
