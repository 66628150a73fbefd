"""The fonts the app serves itself (``assets/fonts.css``), as one stack for Mantine, AG Grid and Plotly.

``EgovSymbols`` comes first: a subset of DejaVu Sans (Debian's ``fonts-dejavu-core`` 2.37, Bitstream
Vera licence with DejaVu's changes in the public domain: ``assets/fonts/DejaVu-LICENSE.txt``) that its
``unicode-range`` limits to arrows, geometric shapes, miscellaneous symbols and dingbats. Vazirmatn has
none of the status marks (✓ ✗ ★ ⚠ ▲ ▼ ◷ ◔), so without it they would depend on the fonts an office's
computers happen to have. Every other character falls through to Vazirmatn.
"""

from __future__ import annotations

SYMBOL_FAMILY = "EgovSymbols"
FONT_STACK = f"{SYMBOL_FAMILY}, Vazirmatn, Tahoma, sans-serif"
SYMBOL_FONT = "fonts/EgovSymbols.woff2"
SYMBOL_RANGES = ((0x2190, 0x21FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x2700, 0x27BF))
"""What the subset holds (``pyftsubset DejaVuSans.ttf --unicodes=U+2190-21FF,U+25A0-25FF,U+2600-26FF,
U+2700-27BF --flavor=woff2 --no-hinting``) and what ``fonts.css`` gives it."""
