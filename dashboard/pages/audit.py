"""Registers the audit page; its body and callbacks are in ``dashboard.views.audit``."""

import dash

from dashboard.i18n import t
from dashboard.views.audit import layout

dash.register_page(
    __name__,
    path="/audit",
    name=t("page.audit", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
