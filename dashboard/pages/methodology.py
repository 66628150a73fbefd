"""Registers the methodology page; its body and callbacks are in ``dashboard.views.methodology``."""

import dash

from dashboard.i18n import t
from dashboard.views.methodology import layout

dash.register_page(
    __name__,
    path="/methodology",
    name=t("page.methodology", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
