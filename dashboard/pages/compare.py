"""Registers the compare page; its body and callbacks are in ``dashboard.views.compare``."""

import dash

from dashboard.i18n import t
from dashboard.views.compare import layout

dash.register_page(
    __name__,
    path="/compare",
    name=t("page.compare", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
