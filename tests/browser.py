"""Headless Debian Chromium for the publication tests, driven by Playwright (no browser download)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(os.environ.get("LIANDONG_TEST_ARTIFACTS", ROOT / "test-artifacts"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str:
    """Debian's chromium; installed by scripts/setup-browser when absent (the tests fail if it cannot be)."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        subprocess.run([str(ROOT / "scripts" / "setup-browser")], check=True)
        found = shutil.which("chromium") or "/usr/bin/chromium"
    return found


@dataclass
class PageReport:
    console_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


@contextmanager
def browser_page(report: PageReport, width: int = 1366, height: int = 768) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on("console", lambda m: report.console_errors.append(f"{m.type}: {m.text}")
                    if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: report.console_errors.append(f"pageerror: {e}"))

            def on_dialog(d: Any) -> None:
                report.dialogs.append(d.message)
                d.dismiss()

            page.on("dialog", on_dialog)
            yield page
        finally:
            browser.close()
