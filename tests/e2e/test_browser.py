"""The web page in a real browser: headless Chromium (Debian's) against the local stack.

Selenium drives Debian's ``chromium`` through its ``chromedriver``; nothing is downloaded. On a
machine without them the tests are skipped with the line that installs them, except under
``CI=true``, where a missing browser fails the run. Each test ends by checking that the page
logged no console errors (a CSP violation, a failed request or a script error would show there).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from tests.e2e.conftest import ARTIFACTS, BAD_PDF, RunningStack, start_stack

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver
    from selenium.webdriver.remote.webelement import WebElement

pytestmark = pytest.mark.e2e

INSTALL = "apt-get install chromium chromium-driver"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1000",
]
WAIT_SECONDS = 60.0
SAMPLE_TITLES = {
    "Bees return to the city allotments",
    "Riverside community garden: spring meeting",
    "Harbour town votes to build a tidal barrier",
    "Night trains make a comeback across Europe",
    "What a year of keeping a sourdough starter taught me",
}
T = TypeVar("T")


def _browser_binaries() -> tuple[str, str] | None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (chromium, driver) if chromium and driver else None


BINARIES = _browser_binaries()
MISSING = f"headless Chromium is not installed: {INSTALL}"
if BINARIES is None and os.environ.get("CI") != "true":
    pytest.skip(MISSING, allow_module_level=True)  # one line in the summary for all of them


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    binaries = BINARIES
    if binaries is None:
        pytest.fail(MISSING + " (CI=true: the browser tests must run)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = binaries
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never fetch a browser or driver
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    # The console for errors; the network log to see the headers the page sends.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture(scope="module")
def samples_done(stack: RunningStack) -> RunningStack:
    """The stack once it has processed the sample articles it uploads as it starts."""
    wait_for(
        "the sample articles to be processed",
        lambda: (
            {
                item["title"]
                for item in stack.get("/articles?limit=100")["items"]
                if item["status"] == "SUMMARIZED"
            }
            >= SAMPLE_TITLES
        ),
    )
    return stack


@pytest.fixture
def page(browser: WebDriver, samples_done: RunningStack) -> WebDriver:
    """The page freshly opened at the stack's root, with the console log emptied."""
    browser.get(samples_done.api_url + "/")
    browser.get_log("browser")
    browser.refresh()
    return browser


def wait_for(what: str, probe: Callable[[], T | None], timeout: float = WAIT_SECONDS) -> T:
    """Poll until ``probe`` gives something truthy (DOM nodes are replaced as records update)."""
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        try:
            last = probe()
        except StaleElementReferenceException:
            last = None
        if last:
            return last
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what} (last seen: {last!r})")


def rows(driver: WebDriver) -> list[WebElement]:
    from selenium.webdriver.common.by import By

    return [
        row for row in driver.find_elements(By.CSS_SELECTOR, "#articles > li") if row.is_displayed()
    ]


def row_titled(driver: WebDriver, title: str) -> WebElement | None:
    from selenium.webdriver.common.by import By

    for row in rows(driver):
        if row.find_element(By.CSS_SELECTOR, ".title").text == title:
            return row
    return None


def only_rows_in(driver: WebDriver, status: str) -> list[WebElement]:
    """The rows shown, once every one of them is in this status."""

    def probe() -> list[WebElement] | None:
        shown = rows(driver)
        return (
            shown
            if shown and all(r.get_attribute("data-status") == status for r in shown)
            else None
        )

    return wait_for(f"only {status} rows", probe)


def assert_no_console_errors(driver: WebDriver) -> None:
    errors = [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors


def save_screenshot(driver: WebDriver, name: str, record: Callable[[str, object], None]) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    assert driver.save_screenshot(str(path)), path
    assert path.stat().st_size > 10_000  # a rendered page, not a blank image
    record("artefact", str(path))
    print(f"screenshot: {path}")
    return path


def upload_through_the_file_input(driver: WebDriver, path: Path) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "file-input").send_keys(str(path))


def test_the_list_shows_the_sample_articles_with_their_status(
    page: WebDriver, record_property: Callable[[str, object], None]
) -> None:
    from selenium.webdriver.common.by import By

    wait_for(
        "the five samples, summarised",
        lambda: (
            {
                row.find_element(By.CSS_SELECTOR, ".title").text
                for row in rows(page)
                if row.get_attribute("data-status") == "SUMMARIZED"
            }
            >= SAMPLE_TITLES
        ),
    )
    one = row_titled(page, "Harbour town votes to build a tidal barrier")
    assert one is not None
    # The status reads as a word (and a mark), not only as a colour.
    assert one.find_element(By.CSS_SELECTOR, ".badge").text == "✓ Summarized"
    assert one.find_element(By.CSS_SELECTOR, "time").get_attribute("datetime")
    created = [
        row.find_element(By.CSS_SELECTOR, "time").get_attribute("datetime") for row in rows(page)
    ]
    assert created == sorted(created, reverse=True)  # newest first
    # The title filter narrows what is loaded.
    page.find_element(By.ID, "title-filter").send_keys("night trains")
    titles = [row.find_element(By.CSS_SELECTOR, ".title").text for row in rows(page)]
    assert titles == ["Night trains make a comeback across Europe"]
    page.find_element(By.ID, "title-filter").clear()
    page.execute_script("document.getElementById('title-filter').dispatchEvent(new Event('input'))")
    wait_for("every row back", lambda: len(rows(page)) >= len(SAMPLE_TITLES))
    save_screenshot(page, "reader-list.png", record_property)
    assert_no_console_errors(page)


def test_opening_an_article_shows_its_title_lede_and_key_points(
    page: WebDriver, record_property: Callable[[str, object], None]
) -> None:
    from selenium.webdriver.common.by import By

    title = "Harbour town votes to build a tidal barrier"
    row = wait_for("the tidal barrier article", lambda: row_titled(page, title))
    row.find_element(By.CSS_SELECTOR, "a.title").click()
    wait_for(
        "the article view",
        lambda: (
            page.find_element(By.ID, "article-view").is_displayed()
            and page.find_element(By.ID, "article-title").text == title
        ),
    )
    assert "#/articles/" in page.current_url
    lede = page.find_element(By.ID, "article-lede")
    assert lede.is_displayed() and len(lede.text) > 40
    points = page.find_elements(By.CSS_SELECTOR, "#article-points li")
    assert 3 <= len(points) <= 7 and all(point.text.strip() for point in points)
    assert page.find_elements(By.CSS_SELECTOR, "#article-keywords li")
    meta = page.find_element(By.ID, "article-meta").text
    assert "Reading time" in meta and "Language" in meta
    page.find_element(By.ID, "show-text").click()
    text = wait_for(
        "the full text",
        lambda: (
            "tidal barrier" in page.find_element(By.ID, "article-text").text
            and page.find_element(By.ID, "article-text")
        ),
    )
    assert "Subscribe" not in text.text
    page.execute_script("window.scrollTo(0, 0)")
    save_screenshot(page, "reader-article.png", record_property)
    page.find_element(By.CSS_SELECTOR, "#article-view a.back").click()
    wait_for("the list again", lambda: page.find_element(By.ID, "list-view").is_displayed())
    assert_no_console_errors(page)


def test_a_file_dropped_through_the_picker_moves_to_summarized(
    page: WebDriver, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    article = tmp_path / "ferry winter timetable.md"
    article.write_text(
        "# Island ferry keeps its winter timetable\n\n"
        "The island ferry will keep four crossings a day through the winter, the operator said "
        "on Monday, after a consultation drew more than two thousand replies from residents.\n\n"
        "Islanders had warned that cutting the early crossing would leave nurses and teachers "
        "unable to reach the mainland before their shifts began.\n\n"
        "The operator said fuel costs had risen by a third this year, but that a council grant "
        "would cover the gap until the spring review of the route.\n\n"
        "A new vessel, ordered in 2024, is due to enter service in the autumn and will carry "
        "forty more cars on each crossing.\n",
        encoding="utf-8",
    )
    upload_through_the_file_input(page, article)
    title = "Island ferry keeps its winter timetable"
    # It shows up at once (uploading, then waiting), then updates by itself until it is done.
    done = wait_for(
        "the upload, summarised",
        lambda: (
            (row := row_titled(page, title)) is not None
            and row.get_attribute("data-status") == "SUMMARIZED"
            and row
        ),
    )
    assert done.find_element(By.CSS_SELECTOR, ".badge").text == "✓ Summarized"
    assert "in the pipeline" in page.find_element(By.ID, "uploads").text
    assert_no_console_errors(page)


def test_a_broken_pdf_shows_failed_with_its_code(page: WebDriver, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By

    broken = tmp_path / "torn minutes.pdf"
    broken.write_bytes(BAD_PDF)
    upload_through_the_file_input(page, broken)
    failed = wait_for(
        "the broken PDF, failed",
        lambda: next(
            (
                row
                for row in rows(page)
                if row.get_attribute("data-status") == "FAILED"
                and "torn minutes.pdf" in row.find_element(By.CSS_SELECTOR, ".title").text
            ),
            None,
        ),
    )
    assert failed.find_element(By.CSS_SELECTOR, ".badge").text == "✕ Failed"
    assert "corrupt_document" in failed.find_element(By.CSS_SELECTOR, ".sub").text
    failed.find_element(By.CSS_SELECTOR, "a.title").click()
    code = wait_for(
        "the error box",
        lambda: (
            page.find_element(By.ID, "article-error").is_displayed()
            and page.find_element(By.ID, "error-code")
        ),
    )
    assert code.text == "corrupt_document"
    assert "damaged or cut short" in page.find_element(By.ID, "error-plain").text
    assert_no_console_errors(page)


def test_the_status_filter_asks_the_api_for_that_status_only(
    page: WebDriver, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    broken = tmp_path / "filter check.pdf"
    broken.write_bytes(BAD_PDF)
    upload_through_the_file_input(page, broken)
    wait_for(
        "a failed record",
        lambda: any(row.get_attribute("data-status") == "FAILED" for row in rows(page)),
    )
    select = Select(page.find_element(By.ID, "status-filter"))
    select.select_by_value("FAILED")
    shown = only_rows_in(page, "FAILED")
    assert any("filter check.pdf" in row.text for row in shown)
    select.select_by_value("SUMMARIZED")
    summarised = only_rows_in(page, "SUMMARIZED")
    assert {row.find_element(By.CSS_SELECTOR, ".title").text for row in summarised} >= (
        SAMPLE_TITLES
    )
    select.select_by_value("")
    wait_for(
        "every status again",
        lambda: (
            {row.get_attribute("data-status") for row in rows(page)} >= {"FAILED", "SUMMARIZED"}
        ),
    )
    assert_no_console_errors(page)


def test_the_page_is_small_and_self_contained(page: WebDriver) -> None:
    from articles.api.page import assets_size

    size = assets_size()
    print(f"page assets: {size} bytes")
    assert size < 100 * 1024
    # Every resource the page loaded came from the stack itself (no CDN, works offline).
    origins = page.execute_script(
        "return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)"
    )
    stack_origins = {page.current_url.rstrip("/").rsplit("/", 1)[0]}
    assert set(origins) <= stack_origins | {page.execute_script("return location.origin")}
    assert_no_console_errors(page)


# -- the page under the other ApiAuth settings ---------------------------------------------


def _sent_headers(driver: WebDriver, path: str) -> list[dict[str, str]]:
    """Headers of the requests the page made to this path since the last call."""
    import json

    sent = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        request = message["params"]["request"]
        if request["url"].split("?")[0].endswith(path):
            sent.append({name.lower(): value for name, value in request["headers"].items()})
    return sent


@pytest.fixture(scope="module")
def keyed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    log = tmp_path_factory.mktemp("keyed") / "stack.log"
    yield from start_stack(log, "--no-samples", "--parameter", "ApiAuth=API_KEY")


@pytest.fixture(scope="module")
def signed_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    log = tmp_path_factory.mktemp("signed") / "stack.log"
    yield from start_stack(log, "--no-samples", "--parameter", "ApiAuth=IAM")


def test_with_api_key_auth_the_page_asks_once_and_keeps_the_key_for_the_tab(
    browser: WebDriver, keyed_stack: RunningStack
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(keyed_stack.api_url + "/")
    browser.execute_script("sessionStorage.clear()")
    browser.refresh()
    browser.get_log("browser")
    browser.get_log("performance")
    form = wait_for("the key form", lambda: browser.find_element(By.ID, "auth-key").is_displayed())
    assert form and not browser.find_element(By.ID, "list-view").is_displayed()
    assert _sent_headers(browser, "/articles") == []  # nothing asked before the key
    label = browser.find_element(By.CSS_SELECTOR, "label[for='key-input']")
    assert label.text == "Key"
    field = browser.find_element(By.ID, "key-input")
    field.send_keys("k3y-for-this-tab")
    field.submit()
    wait_for("the list", lambda: browser.find_element(By.ID, "list-view").is_displayed())
    wait_for("the empty list's message", lambda: "No articles yet." in browser.page_source)
    sent = wait_for("a request with the key", lambda: _sent_headers(browser, "/articles"))
    assert all(headers.get("x-api-key") == "k3y-for-this-tab" for headers in sent)
    browser.refresh()  # the same tab: no second question
    wait_for("the list again", lambda: browser.find_element(By.ID, "list-view").is_displayed())
    assert not browser.find_element(By.ID, "auth-key").is_displayed()
    assert_no_console_errors(browser)


def test_with_iam_auth_the_page_explains_how_to_reach_the_api(
    browser: WebDriver, signed_stack: RunningStack
) -> None:
    from selenium.webdriver.common.by import By

    browser.get(signed_stack.api_url + "/")
    browser.get_log("browser")
    browser.get_log("performance")
    panel = wait_for(
        "the IAM explanation",
        lambda: (
            browser.find_element(By.ID, "auth-iam").is_displayed()
            and browser.find_element(By.ID, "auth-iam")
        ),
    )
    assert "Signature Version 4" in panel.text
    assert f"articles list --api-url {signed_stack.api_url}/" in panel.text
    assert not browser.find_element(By.ID, "list-view").is_displayed()
    assert _sent_headers(browser, "/articles") == []  # no request bound to fail unsigned
    assert_no_console_errors(browser)
