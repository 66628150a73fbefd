"""Registers the administration page; its body and callbacks are in ``dashboard.views.admin``."""

import dash

from dashboard.i18n import t
from dashboard.views.admin import layout

dash.register_page(
    __name__,
    path="/admin",
    name=t("page.admin", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
