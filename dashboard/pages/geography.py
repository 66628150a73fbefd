"""Registers the geography page; its body and callbacks are in ``dashboard.views.geography``."""

import dash

from dashboard.i18n import t
from dashboard.views.geography import layout

dash.register_page(
    __name__,
    path="/geography",
    name=t("page.geography", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
