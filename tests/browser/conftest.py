"""A live gunicorn site and Debian's chromium, driven by Playwright, for the browser tests."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.live import PASSWORD, LiveSite

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DOCS = Path(__file__).resolve().parents[2] / "docs"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    live = LiveSite(tmp_path_factory.mktemp("browser-site"))
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def no_js(browser):
    """A fresh browser context with JavaScript turned off."""
    contexts = []

    def new_page():
        context = browser.new_context(java_script_enabled=False)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def log_in(page, site, username):
    page.goto(f"{site.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{site.url}/admin/")


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
