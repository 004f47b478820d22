"""Opening a page for a browser test: its own context, and the test fails if its scripts throw."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, Page


@contextmanager
def opened_page(
    chromium: Browser, viewport: dict[str, int], url: str, init: str | None = None
) -> Iterator[Page]:
    """The page at `url` in a context of its own (`init`: a script run before the page's)."""
    context = chromium.new_context(viewport=viewport)  # type: ignore[arg-type]
    if init:
        context.add_init_script(init)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    try:
        yield page
    finally:
        context.close()
    assert errors == [], errors
