"""Browser tests drive Debian's Chromium through Playwright, installing the package when it is missing."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls in fixtures are still
# made synchronously from that thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def install_chromium() -> None:
    """Debian's chromium package; Playwright's own browser download cannot reach the network here."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("Chromium is missing and apt-get is not available to install it.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run([apt, "install", "-y", "-qq", "chromium"], env=env).returncode != 0:
        subprocess.run([apt, "update", "-qq"], env=env, check=True)
        subprocess.run([apt, "install", "-y", "-qq", "chromium"], env=env, check=True)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    install_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}
