"""Dash shows this module's layout for an unknown path (the name ``not_found_404`` is Dash's convention)."""

import dash

from dashboard.i18n import t
from dashboard.views.not_found import layout

dash.register_page(
    __name__,
    path="/404",
    name=t("page.not_found", "en"),
    title=f"{t('product.name', 'fa')} – {t('product.name', 'en')}",
)

__all__ = ["layout"]
