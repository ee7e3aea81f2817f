"""The `report --html` page in a real headless browser (the system's chromium, driven by
selenium through chromedriver): it loads with no console error and no request for
anything outside the page, and every chart is there and drawn. A screenshot is kept
under test-artifacts/ (its path is printed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHARTS = ("response", "outcomes", "weeks", "ages")


@pytest.fixture
def browser(tmp_path):
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.skip("needs chromium and chromedriver (Debian: apt-get install chromium "
                    "chromium-driver)")  # fmt: skip
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (the test extra)")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--window-size=1200,900",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _page(cli, tmp_path: Path) -> Path:
    seeded = cli("--sandbox", "sandbox", "seed", "--tickets", "150", "--days", "45",
                 "--random-seed", "18")  # fmt: skip
    assert seeded.code == 0, seeded.stderr
    page = tmp_path / "report.html"
    result = cli("--sandbox", "report", "--since", "6w", "--tz", "UTC", "--html", str(page))
    assert result.code == 0, result.stderr
    return page


def test_the_page_loads_clean_and_draws_every_chart(cli, browser, tmp_path):
    page = _page(cli, tmp_path)
    browser.get(page.as_uri())
    assert browser.title.startswith("Service-level report")
    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
    assert errors == [], errors
    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert fetched == [], f"the page fetched {fetched}"
    for name in CHARTS:
        drawn = browser.execute_script(
            """const fig = document.querySelector(`figure[data-chart="${arguments[0]}"]`);
               if (!fig) return null;
               const svg = fig.querySelector('svg'); const box = svg.getBoundingClientRect();
               const marks = [...svg.querySelectorAll('.rect, rect.rect')]
                   .filter(r => { const b = r.getBoundingClientRect();
                                  return b.width > 0 && b.height > 0; });
               return {width: box.width, height: box.height, marks: marks.length,
                       labels: svg.querySelectorAll('.axis text').length};""",
            name,
        )
        assert drawn is not None, f"chart {name} is missing"
        assert drawn["width"] > 300 and drawn["height"] > 150, (name, drawn)
        assert drawn["marks"] > 0, f"chart {name} has no bar drawn: {drawn}"
        assert drawn["labels"] > 2, (name, drawn)
    tables = browser.execute_script(
        "return document.querySelectorAll('table tbody tr, table tr').length"
    )
    assert tables > 10
    _screenshot(browser)


def _screenshot(browser) -> None:
    height = browser.execute_script("return document.documentElement.scrollHeight")
    # The whole page in one picture: a viewport as tall as the page.
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 1200, "height": min(int(height), 6000), "deviceScaleFactor": 1, "mobile": False},
    )
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "report-page.png"
    assert browser.save_screenshot(str(path))
    assert path.stat().st_size > 20_000
    print(f"\nscreenshot of the report page: {path}")
