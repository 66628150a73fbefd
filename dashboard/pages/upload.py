"""Registers the upload page; its body and callbacks are in ``dashboard.views.upload``."""

import dash

from dashboard.i18n import t
from dashboard.views.upload import layout

dash.register_page(
    __name__,
    path="/upload",
    name=t("page.upload", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
