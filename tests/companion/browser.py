"""A real headless Chromium (Debian's) at a phone's size, its position and network controlled."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}
# Chromium reaches for Google's services at start; this machine has no network beyond loopback.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=390,844",
)


@dataclass
class Phone:
    driver: Any

    def cdp(self, command: str, **params: Any) -> Any:
        return self.driver.execute_cdp_cmd(command, params)

    def place(self, lat: float, lon: float, accuracy: float = 12.0) -> None:
        self.cdp("Emulation.setGeolocationOverride", latitude=lat, longitude=lon, accuracy=accuracy)

    def allow_location(self, origin: str) -> None:
        self.cdp("Browser.grantPermissions", origin=origin, permissions=["geolocation"])

    def offline(self, cut: bool) -> None:
        self.cdp(
            "Network.emulateNetworkConditions",
            offline=cut,
            latency=0,
            downloadThroughput=-1,
            uploadThroughput=-1,
        )


@contextmanager
def phone() -> Iterator[Phone]:
    """A Chromium at 390×844; skipped with the reason where Debian's Chromium is missing."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("needs Debian's chromium and chromium-driver (apt-get install them)")
    options = Options()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="fieldvisit-chromium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        device = Phone(driver)
        device.cdp("Emulation.setDeviceMetricsOverride", **PHONE)
        device.cdp("Network.enable")
        yield device
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
