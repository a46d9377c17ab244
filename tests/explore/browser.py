"""Driving report.html in a real browser: Playwright with Debian's chromium (``executable_path``),
headless, and no network: every request that is not a local file is aborted and recorded.

Where chromium or playwright is missing the tests skip and say why; with ``CI`` set they fail
instead (CI must run them)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

LOCAL = ("file:", "data:", "blob:", "about:")


def missing() -> str | None:
    """Why the browser tests cannot run here (None: they can)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not shutil.which("chromium"):
        return "chromium is not installed (Debian: apt-get install chromium)"
    return None


def need_browser() -> None:
    """Skip with the reason, or fail under CI, when no browser can run."""
    why = missing()
    if why is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"the browser tests must run in CI, but {why}")
    pytest.skip(why)


@dataclass
class Browser:
    page: Any
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def open(self, path: Any) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_selector('#story-browser[data-ready="yes"]', state="attached")

    def listed(self) -> list[str]:
        return list(self.page.eval_on_selector_all(
            "#story-browser [data-story-id]", "els => els.map(e => e.dataset.storyId)"))


def browser(viewport: tuple[int, int] = (1280, 900)) -> Iterator[Browser]:
    """A page in headless chromium whose requests may only reach local files."""
    need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                              args=["--no-sandbox", "--disable-gpu"])
        ctx = b.new_context(viewport={"width": viewport[0], "height": viewport[1]},
                            accept_downloads=True)
        out = Browser(page=ctx.new_page())

        def route(r: Any) -> None:
            if r.request.url.startswith(LOCAL):
                r.continue_()
            else:
                out.blocked.append(r.request.url)
                r.abort()

        ctx.route("**/*", route)
        out.page.on("pageerror", lambda e: out.errors.append(str(e)))
        out.page.on("console", lambda m: out.errors.append(m.text) if m.type == "error" else None)
        try:
            yield out
        finally:
            ctx.close()
            b.close()
