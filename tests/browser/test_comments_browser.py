"""Comments with JavaScript off: post, moderate, see them on both language versions; no XSS."""

import uuid

from playwright.sync_api import expect

from tests.live import Visitor

from .conftest import log_in, screenshot

ARTICLE = "core-exercises-for-low-back-pain"


def post_comment(page, site, lang, name, body):
    page.goto(f"{site.url}/{lang}/articles/{ARTICLE}/")
    page.fill("#id_name", name)
    page.fill("#id_body", body)
    page.click(".comment-form button[type=submit]")
    page.wait_for_url(f"{site.url}/{lang}/articles/{ARTICLE}/#comment-*")
    # Where the visitor lands: their comment, saying who can see it.
    mine = page.locator(".comment-pending", has_text=body)
    expect(mine.locator(".comment-note")).to_be_visible()
    assert page.evaluate("location.hash") == f"#{mine.get_attribute('id')}"


def approve_in_admin(page, site, *bodies):
    page.goto(f"{site.url}/admin/comments/comment/?status__exact=pending")
    for body in bodies:
        page.locator("tr", has_text=body).locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "approve")
    page.click("button[name=index]")
    expect(page.locator(".messagelist .success")).to_have_count(1)  # waits for the new page


def test_comment_posted_moderated_and_shown_without_javascript(site, no_js):
    tag = uuid.uuid4().hex[:6]
    zh_body, en_body = f"练了两周，腰舒服多了 {tag}", f"Two weeks in, my back feels better {tag}"

    visitor = no_js()
    post_comment(visitor, site, "zh-hans", "李华", zh_body)
    assert "等待审核" in visitor.locator(".messages").inner_text()
    mine = visitor.locator(".comment", has_text=zh_body)
    assert "等待审核" in mine.inner_text()
    screenshot(visitor, "comment-pending-zh-hans")
    post_comment(visitor, site, "en", "Li Hua", en_body)
    assert "awaiting moderation" in visitor.locator(".messages").inner_text()

    stranger = no_js()
    stranger.goto(f"{site.url}/en/articles/{ARTICLE}/")
    assert stranger.locator(".comment", has_text=tag).count() == 0

    moderator = no_js()
    log_in(moderator, site, "moderator")
    approve_in_admin(moderator, site, zh_body, en_body)

    reader = no_js()
    for lang in ["zh-hans", "en"]:
        reader.goto(f"{site.url}/{lang}/articles/{ARTICLE}/")
        zh = reader.locator(".comment", has_text=zh_body)
        en = reader.locator(".comment", has_text=en_body)
        assert zh.locator(".comment-body").get_attribute("lang") == "zh-hans"
        assert en.locator(".comment-body").get_attribute("lang") == "en"
        assert "等待审核" not in zh.inner_text() and "Awaiting" not in en.inner_text()
    screenshot(reader, "comments-approved-en")

    # A reply, without JavaScript: the link opens the same form for a reply.
    reader.locator(".comment", has_text=en_body).locator(".comment-actions a").click()
    reader.wait_for_url("**reply_to=**")
    assert "Reply to Li Hua" in reader.locator("#comment-form h3").inner_text()
    reply = f"Glad to hear it {tag}"
    reader.fill("#id_name", "Coach")
    reader.fill("#id_body", reply)
    reader.click(".comment-form button[type=submit]")
    reader.wait_for_url(f"{site.url}/en/articles/{ARTICLE}/#comment-*")
    assert "awaiting moderation" in reader.locator(".messages").inner_text()
    approve_in_admin(moderator, site, reply)

    fresh = no_js()
    for lang in ["en", "zh-hans"]:
        fresh.goto(f"{site.url}/{lang}/articles/{ARTICLE}/")
        thread = fresh.locator(".comment-list > li", has_text=en_body)
        assert reply in thread.locator(".comment-replies").inner_text()


XSS = [
    "<script>window.__xss = 1</script>",
    '<img src=x onerror="window.__xss = 1">',
    '"><svg onload="window.__xss = 1">',
    "javascript:window.__xss = 1",
    '<a href="javascript:window.__xss = 1">click</a>',
    "</textarea><script>window.__xss = 1</script>",
    "<div style=\"background:url('javascript:window.__xss=1')\">",
    "<<script>script>window.__xss = 1<</script>/script>",
    "<iframe srcdoc='<script>parent.__xss=1</script>'></iframe>",
    "{{ 7|add:7 }} {% now 'Y' %}",
]


def test_xss_corpus_is_shown_as_text_and_never_runs(site, browser):
    tag = uuid.uuid4().hex[:6]
    visitor = Visitor(site.url)
    for n, payload in enumerate(XSS):
        status = visitor.post_comment(
            f"/en/articles/{ARTICLE}/", "en", name=f"{payload[:70]}", body=f"{tag}-{n} {payload}"
        )
        assert status == 302
    site.shell(
        "from comments.models import Comment\n"
        f"for comment in Comment.objects.filter(body__startswith='{tag}'):\n"
        "    comment.status = 'approved'\n"
        "    comment.save()"
    )
    context = browser.new_context()
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for lang in ["en", "zh-hans"]:
        page.goto(f"{site.url}/{lang}/articles/{ARTICLE}/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        assert page.evaluate("window.__xss") is None
        bodies = page.locator(".comment-body", has_text=tag).all_inner_texts()
        for n, payload in enumerate(XSS):
            assert f"{tag}-{n} {payload}" in bodies
        assert page.locator(".comment-body a, .comment-body script, .comment-body img").count() == 0
    assert dialogs == []
    context.close()
