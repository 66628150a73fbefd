"""Registers the home page; its body and callbacks are in ``dashboard.views.home``."""

import dash

from dashboard.i18n import t
from dashboard.views.home import layout

dash.register_page(
    __name__, path="/", name=t("page.home", "en"), title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}"
)

__all__ = ["layout"]
