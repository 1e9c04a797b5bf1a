"""A visitor reads in a real browser: switches language, follows related articles."""

import pytest
from playwright.sync_api import expect

from .conftest import DOCS, screenshot

SEED = "stem-cell-therapy-for-lumbar-disc-herniation"


def test_visitor_switches_language_and_follows_related(site, page):
    page.goto(f"{site.url}/zh-hans/articles/{SEED}/")
    assert page.locator("h1").inner_text() == "干细胞治疗腰突"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#related-heading").inner_text() == "相关文章"
    assert page.locator("#comments h3").inner_text() == "发表评论"

    page.click(".language-switcher a[hreflang=en]")
    page.wait_for_url(f"{site.url}/en/articles/{SEED}/")
    assert page.locator("h1").inner_text() == "Stem Cell Therapy for Lumbar Disc Herniation"
    assert page.locator("html").get_attribute("lang") == "en"

    first = page.locator(".related a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(lambda url: "/en/articles/" in url and SEED not in url)
    assert page.locator("h1").inner_text() == title


def test_missing_translation_is_said_in_words(site, page):
    page.goto(f"{site.url}/zh-hans/articles/tuina-massage-for-low-back-pain/")
    assert page.locator(".language-switcher .unavailable").inner_text() == "暂无英文版"
    response = page.goto(f"{site.url}/en/articles/tuina-massage-for-low-back-pain/")
    assert response.status == 404
    page.click(".other-version .card-title a")
    page.wait_for_url(f"{site.url}/zh-hans/articles/tuina-massage-for-low-back-pain/")
    assert page.locator("h1").inner_text() == "推拿与腰痛：需要注意什么"


@pytest.mark.parametrize("width", [375, 1280])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_pages_render_at_phone_and_desktop_widths(site, browser, width, lang):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for name, path in [("home", f"/{lang}/"), ("article", f"/{lang}/articles/{SEED}/")]:
        page.goto(site.url + path)
        # Nothing overflows sideways, and the cover image really loaded.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if name == "article":
            assert page.evaluate("document.querySelector('.cover img').naturalWidth") > 0
        screenshot(page, f"{name}-{lang}-{width}")
        # The README shows these: what a reader sees first, at each width.
        page.screenshot(path=DOCS / f"{name}-{lang}-{width}.jpg", type="jpeg", quality=70)
    context.close()


@pytest.mark.parametrize(("lang", "words"), [("en", "How to subscribe"), ("zh-hans", "如何订阅")])
def test_a_feed_opens_in_the_browser_as_a_readable_page(site, page, lang, words):
    page.goto(f"{site.url}/{lang}/feeds/rss.xml")
    expect(page.locator("h2").first).to_have_text(words)
    links = page.locator(".feed-items a")
    assert links.count() >= 5
    href = links.first.get_attribute("href")
    assert f"/{lang}/articles/" in href


def test_the_share_block_shows_a_scannable_code_and_a_link_to_copy(site, page):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{site.url}/zh-hans/articles/stem-cell-therapy-for-lumbar-disc-herniation/")
    code = page.locator(".share svg.share-qr")
    expect(code).to_be_visible()
    box = code.bounding_box()
    assert box["width"] >= 100 and box["width"] == box["height"]  # big enough to scan
    field = page.locator("#share-url")
    assert field.input_value().endswith(
        "/zh-hans/articles/stem-cell-therapy-for-lumbar-disc-herniation/"
    )
    assert field.get_attribute("readonly") is not None
    assert all(url.startswith(site.url) for url in requests), requests  # nothing from elsewhere


@pytest.mark.parametrize("width,scheme", [(375, "light"), (1280, "dark")])
def test_a_reviewer_signs_off_from_the_link_on_an_accessible_page(site, browser, width, scheme):
    from axe_playwright_python.sync_playwright import Axe

    token = site.shell(
        "from articles.models import Article, Person\n"
        "a = Article.objects.get(slug='core-exercises-for-low-back-pain')\n"
        "print(a.review_token(Person.objects.get(slug='zhou-min')))"
    ).split()[-1]
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{site.url}/zh-hans/review/{token}/")
    expect(page.locator("#review-heading")).to_have_text("医学审核：周敏")
    violations = Axe().run(page).response["violations"]
    assert [v["id"] for v in violations if v["impact"] in ("critical", "serious")] == []
    page.click("button[value=sign_off]")
    expect(page.locator(".messages")).to_contain_text("审核通过已记录")
    context.close()
