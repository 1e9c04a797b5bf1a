"""An editor writes, previews and publishes a bilingual article in the admin, in a real browser."""

import io

from PIL import Image
from playwright.sync_api import expect

from .conftest import log_in, screenshot

SLUG = "written-in-a-browser"


def cover_file(tmp_path):
    path = tmp_path / "cover.png"
    image = Image.new("RGB", (1600, 900), (20, 110, 100))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return path


def type_rich_text(page, field, plain, bold):
    editor = page.locator(f"#tab_id_{field} .ProseMirror[contenteditable=true]")
    editor.click()
    page.keyboard.type(plain)
    page.keyboard.press("Control+b")
    page.keyboard.type(bold)
    page.keyboard.press("Control+b")


def test_editor_writes_previews_and_publishes(site, page, browser, tmp_path):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, site, "editor")
    response = page.goto(f"{site.url}/admin/articles/article/add/")
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]

    page.click("[aria-controls='tab_id_title_zh_hans']")
    page.fill("#id_title_zh_hans", "浏览器里写的文章")
    page.click("[aria-controls='tab_id_body_zh_hans']")
    type_rich_text(page, "body_zh_hans", "这是中文正文，", "加粗的词")
    page.click("[aria-controls='tab_id_title_en']")
    page.fill("#id_title_en", "Written in a browser")
    page.click("[aria-controls='tab_id_body_en']")
    type_rich_text(page, "body_en", "This is the English body with ", "a bold word")
    page.fill("#id_slug", SLUG)

    page.click("#id_category + .select2 .select2-selection")
    # (Treatment articles need a medical sign-off first: tests/test_medical_review.py.)
    page.fill(".select2-search__field", "Exercise")
    page.locator(".select2-results__option", has_text="Exercise").click()

    page.set_input_files("#id_cover", cover_file(tmp_path))
    page.click("[aria-controls='tab_id_cover_alt_zh_hans']")
    page.fill("#id_cover_alt_zh_hans", "绿色的封面")
    page.click("[aria-controls='tab_id_cover_alt_en']")
    page.fill("#id_cover_alt_en", "A green cover")
    screenshot(page, "admin-article-form")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)  # waits for the new page

    # A draft: the editor previews it, a visitor gets 404.
    preview = page.locator(f"a[href='/zh-hans/articles/{SLUG}/']")
    assert preview.count() == 1
    page.goto(f"{site.url}/zh-hans/articles/{SLUG}/")
    assert "预览" in page.locator(".preview-banner").inner_text()
    assert page.locator(".prose strong").inner_text() == "加粗的词"
    visitor = browser.new_context().new_page()
    assert visitor.goto(f"{site.url}/en/articles/{SLUG}/").status == 404

    page.go_back()
    page.select_option("#id_status", "published")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)

    visitor.goto(f"{site.url}/en/")
    visitor.click("text=Written in a browser")
    visitor.wait_for_url(f"{site.url}/en/articles/{SLUG}/")
    assert visitor.locator(".prose strong").inner_text() == "a bold word"
    assert visitor.evaluate("document.querySelector('.cover img').naturalWidth") > 0
    assert visitor.locator(".cover img").get_attribute("alt") == "A green cover"
    screenshot(visitor, "editor-article-en-1280")
    assert errors == []
