"""A reader on a phone finds an article through the header's search, with no script."""

from .conftest import screenshot

SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def test_a_phone_reader_opens_the_menu_and_searches_in_chinese_without_javascript(site, no_js):
    page = no_js()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{site.url}/zh-hans/")
    search_box = page.locator(".site-menu input[name=q]")
    assert not search_box.is_visible()  # folded away until the menu is opened
    assert not page.locator(".site-search.on-desktop").is_visible()
    page.click(".site-menu summary")
    assert search_box.is_visible()
    assert page.locator(".site-menu .site-nav a", has_text="治疗").is_visible()
    search_box.fill("腰突")
    search_box.press("Enter")
    page.wait_for_url(f"{site.url}/zh-hans/search/?q=%E8%85%B0%E7%AA%81")
    first = page.locator(".result").first
    assert first.locator("a").first.get_attribute("href") == f"/zh-hans/articles/{SEED}/"
    assert first.locator("mark").first.inner_text() == "腰突"
    assert page.locator("#id_q").input_value() == "腰突"
    screenshot(page, "search-375-zh-hans")


def test_a_desktop_reader_sees_categories_and_search_in_the_header(site, page):
    page.goto(f"{site.url}/en/")
    assert not page.locator(".site-menu").is_visible()
    page.locator(".site-nav.on-desktop a", has_text="Treatment").click()
    page.wait_for_url(f"{site.url}/en/categories/treatment/")
    page.fill(".site-search.on-desktop input[name=q]", "stem cells")
    page.press(".site-search.on-desktop input[name=q]", "Enter")
    page.wait_for_url(f"{site.url}/en/search/?q=stem+cells")
    assert page.locator(".result a").first.get_attribute("href") == f"/en/articles/{SEED}/"
    screenshot(page, "search-1280-en")
