"""Page bodies: one module per page, each a ``layout(lang=..., **state)`` builder and its callbacks."""
