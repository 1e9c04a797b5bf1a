"""Editors and moderators at work in the admin in Chinese, in a real browser: images in the
body, a stale translation brought up to date, the queue's row buttons, and axe on each page."""

import io
import re
import uuid

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import expect

from tests.live import Visitor

from .conftest import DOCS, log_in, screenshot


@pytest.fixture
def zh_page(browser):
    """A browser whose language is Chinese, so the admin speaks Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def article_pk(site, slug):
    out = site.shell(
        f"from articles.models import Article; print(Article.objects.get(slug={slug!r}).pk)"
    )
    return int(out.strip().splitlines()[-1])


def image_file(tmp_path, colour):
    path = tmp_path / f"photo-{colour[0]}.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), colour).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def body_editor(page, language):
    page.click(f"[aria-controls='tab_id_body_{language}']")
    return page.locator(f"#tab_id_body_{language}")


def open_picker(page, body):
    """At the end of ``body``'s text: the image button, which opens the picker at once."""
    body.locator(".tiptap p").last.click()
    page.keyboard.press("End")
    with page.expect_popup() as popup_info:
        body.locator(".prose-menubar__button[title='插入图片']").click()
    picker = popup_info.value
    picker.wait_for_load_state()
    return picker


def test_editor_toolbar_tabs_and_dialogs_speak_chinese(site, zh_page):
    page = zh_page
    log_in(page, site, "editor")
    page.goto(f"{site.url}/admin/articles/article/{article_pk(site, 'lifting-safely')}/change/")
    tabs = page.locator("#tab_id_title_zh_hans").locator("xpath=..").locator(".ui-tabs-nav li")
    expect(tabs).to_have_text(["简体中文", "English"])
    assert page.locator("#modeltranslation-main-switch").get_attribute("aria-label") == "字段语言"
    body = body_editor(page, "zh_hans")
    titles = body.locator(".prose-menubar__button").evaluate_all("bs => bs.map(b => b.title)")
    assert {"粗体", "斜体", "插入链接", "插入图片", "撤销"} <= set(titles), titles
    assert not [title for title in titles if title.isascii()], titles
    styles = body.locator(".prose-menubar__selected").first  # then the block style menu
    arrow = styles.evaluate("e => getComputedStyle(e, '::after').content")
    assert arrow == '"▾"'  # the editor's own "⏷" is missing from common fonts
    styles.click()
    expect(body.locator(".prose-menubar__option")).to_contain_text(["二级标题", "正文段落"])
    page.keyboard.press("Escape")
    body.locator(".tiptap p").first.click()
    page.keyboard.press("End")
    page.keyboard.press("Shift+Home")  # text selected: a link can be made
    link = body.locator(".prose-menubar__button[title='插入链接']")
    expect(link).not_to_have_class(re.compile(r"\bdisabled\b"))
    link.click()
    dialog = page.locator("dialog[open]")
    expect(dialog).to_contain_text("网址")
    expect(dialog.locator("button", has_text="取消")).to_be_visible()
    assert page.errors == []


def test_editor_inserts_an_uploaded_image_with_alt_text_per_language(
    site, zh_page, browser, tmp_path
):
    page = zh_page
    slug = "sleep-positions-and-back-pain"
    log_in(page, site, "editor")
    page.goto(f"{site.url}/admin/articles/article/{article_pk(site, slug)}/change/")

    # Chinese body: upload a new image in the picker and insert it.
    body = body_editor(page, "zh_hans")
    picker = open_picker(page, body)
    expect(picker.locator("#picker-needs-editor")).to_be_hidden()  # opened by the editor
    picker.set_input_files("#id_file", image_file(tmp_path, (200, 120, 40)))
    picker.click("input[type=submit]")  # no Chinese alt text: refused, with the reason
    expect(picker.locator("#id_alt_zh_hans_error")).to_contain_text("请填写中文替代文字")
    # Chinese words only: enough for the Chinese body it goes into.
    picker.set_input_files("#id_file", image_file(tmp_path, (200, 120, 40)))
    picker.fill("#id_alt_zh_hans", "侧卧时在两膝之间夹一个枕头")
    picker.fill("#id_caption_zh_hans", "侧卧：膝间放枕头")
    picker.click("input[type=submit]")
    chosen = picker.locator(".chosen [data-insert-image]")
    expect(chosen).to_be_focused()
    screenshot(picker, "admin-image-picker")
    with picker.expect_event("close"):
        chosen.click(no_wait_after=True)
    # One step: chosen, and it is in the body with its words; no dialog left to confirm.
    expect(page.locator("dialog[open]")).to_have_count(0)
    expect(body.locator(".tiptap figure img")).to_have_count(1)
    expect(body.locator(".tiptap figure img")).to_have_attribute(
        "alt", "侧卧时在两膝之间夹一个枕头"
    )
    expect(body.locator(".tiptap figure figcaption")).to_have_text("侧卧：膝间放枕头")

    # English body: the same image, chosen from the picker; it has no English words yet,
    # so the editor writes them in the dialog.
    body = body_editor(page, "en")
    picker = open_picker(page, body)
    with picker.expect_event("close"):
        picker.locator("[data-insert-image]").first.click(no_wait_after=True)
    dialog = page.locator("dialog[open]")
    expect(dialog.locator("input[name=altText]")).to_be_focused()
    expect(dialog.locator("input[name=altText]")).to_have_value("")
    dialog.locator("input[name=altText]").fill("Lying on one side with a pillow between the knees")
    dialog.locator("input[name=caption]").fill("On your side: a pillow between the knees")
    dialog.locator("button", has_text="插入").click()
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    assert page.errors == []

    # Opened on its own, the picker says where it belongs and inserts nothing.
    alone = page.context.new_page()
    alone.goto(f"{site.url}/admin/articles/bodyimage/picker/?lang=en")
    expect(alone.locator("#picker-needs-editor")).to_be_visible()
    expect(alone.locator("[data-insert-image]").first).to_be_disabled()
    alone.close()

    reader = browser.new_page()
    for language, alt, caption in [
        ("zh-hans", "侧卧时在两膝之间夹一个枕头", "侧卧：膝间放枕头"),
        ("en", "Lying on one side with a pillow between the knees", "On your side"),
    ]:
        reader.goto(f"{site.url}/{language}/articles/{slug}/")
        image = reader.locator(".prose figure img")
        expect(image).to_have_attribute("alt", alt)
        expect(image).to_have_attribute("loading", "lazy")
        assert ".webp 480w" in image.get_attribute("srcset")
        expect(reader.locator(".prose figure figcaption")).to_contain_text(caption)
        image.scroll_into_view_if_needed()
        reader.wait_for_function("document.querySelector('.prose figure img').complete")
        assert reader.evaluate("document.querySelector('.prose figure img').naturalWidth") > 0
    screenshot(reader, "article-body-image-en")
    reader.close()


def test_stale_translation_is_seen_compared_and_brought_up_to_date(site, zh_page):
    page = zh_page
    slug = "when-to-see-a-doctor-for-back-pain"
    pk = article_pk(site, slug)
    log_in(page, site, "editor")
    page.goto(f"{site.url}/admin/articles/article/{pk}/change/")
    body = body_editor(page, "en")
    body.locator(".tiptap p").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("Ask your doctor first. ")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)

    # The Chinese version turns stale: in the list, in the report, in a banner with the change.
    page.goto(f"{site.url}/admin/articles/article/?translation=zh-hans:stale")
    row = page.locator("#result_list tbody tr", has_text="就医")
    expect(row.locator(".status-stale")).to_contain_text("中文：过期")
    page.goto(f"{site.url}/admin/articles/article/translations/")
    expect(page.locator("#translation-report")).to_contain_text("就医")
    page.goto(f"{site.url}/admin/articles/article/{pk}/change/")
    banner = page.locator(".translation-banner")
    expect(banner.locator("ins")).to_contain_text("Ask your doctor first.")
    screenshot(page, "admin-stale-banner")

    # Side by side: the English change is marked; the editor translates it.
    banner.locator("a", has_text="对照翻译").click()
    expect(page.locator(".side-by-side ins").first).to_contain_text("Ask your doctor first.")
    # A body image as wide as an upload's largest rendition stays in its column: both
    # columns share the screen, and nothing is off it.
    page.evaluate(
        "document.querySelector('.source-body').insertAdjacentHTML('beforeend',"
        ' \'<p><img width="1440" height="810" alt="" src="data:image/gif;base64,'
        "R0lGODlhAQABAAAAACw=\"></p>')"
    )
    widths = page.evaluate(
        "[...document.querySelectorAll('.side-by-side > section')].map(s => s.offsetWidth)"
    )
    assert len(widths) == 2 and abs(widths[0] - widths[1]) < 2 and widths[1] > 400, widths
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.locator("p").first.click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("请先咨询医生。")
    # The terminology check, on demand: the typed text is checked and kept, not saved.
    page.locator("input[name=check_terms]").click()
    expect(page.locator(".terminology")).to_contain_text("术语检查")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text("请先咨询医生。")
    screenshot(page, "admin-translate-side-by-side")
    page.screenshot(path=DOCS / "admin-side-by-side-1280.jpg", type="jpeg", quality=70)
    page.locator("input[type=submit].default").click()
    expect(page.locator(".messagelist .success")).to_have_count(1)
    page.goto(f"{site.url}/admin/articles/article/?translation=zh-hans:current")
    row = page.locator("#result_list tbody tr", has_text="就医")
    expect(row.locator(".status-current", has_text="中文：")).to_have_count(1)
    assert page.errors == []


def test_mark_up_to_date_from_the_banner(site, zh_page):
    """The banner's button lives inside the article's form: it must reach its own view."""
    page = zh_page
    pk = article_pk(site, "physiotherapy-after-lumbar-surgery")
    log_in(page, site, "editor")
    page.goto(f"{site.url}/admin/articles/article/{pk}/change/")
    page.click("[aria-controls='tab_id_title_en']")
    page.fill("#id_title_en", "Physiotherapy after lumbar spine surgery")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    expect(page.locator(".translation-banner")).to_have_count(1)
    page.locator(".translation-banner button").click()
    expect(page.locator(".messagelist .success")).to_contain_text("已标记为最新")
    expect(page.locator(".translation-banner")).to_have_count(0)
    assert (
        site.count(
            "articles.models.Article",
            pk=pk,
            title_en__startswith="Physiotherapy after lumbar spine",
        )
        == 1
    )


def test_moderator_decides_from_the_row_buttons_and_replies(site, zh_page, browser):
    tag = uuid.uuid4().hex[:6]
    visitor = Visitor(site.url)
    path = "/zh-hans/articles/lifting-safely/"
    bodies = [f"{word} {tag}" for word in ("搬箱子时腰要直", "第二条留言", "请问护腰带有用吗")]
    for body in bodies:
        assert visitor.post_comment(path, "zh-hans", name="读者", email="", body=body) == 302
    page = zh_page
    log_in(page, site, "moderator")
    page.goto(f"{site.url}/admin/comments/comment/?status__exact=pending")

    row = page.locator("#result_list tbody tr", has_text=bodies[0])
    row.locator("button", has_text="批准").click()
    message = page.locator(".messagelist .success")
    expect(message).to_contain_text("已批准")
    message.locator("button", has_text="撤销").click()  # undo: back in the queue
    expect(page.locator("#result_list tbody tr", has_text=bodies[0])).to_have_count(1)
    page.locator("#result_list tbody tr", has_text=bodies[0]).locator(
        "button", has_text="批准"
    ).click()
    expect(page.locator("#result_list tbody tr", has_text=bodies[0])).to_have_count(0)
    page.locator("#result_list tbody tr", has_text=bodies[1]).locator(
        "button", has_text="垃圾评论"
    ).click()
    expect(page.locator(".messagelist .success")).to_contain_text("垃圾评论")
    screenshot(page, "admin-queue-after-decisions")

    page.locator("#result_list tbody tr", has_text=bodies[2]).locator("a", has_text="回复").click()
    page.fill("#id_replies-0-body", f"有一定帮助，但要配合锻炼 {tag}")
    page.select_option("#id_status", "approved")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    assert page.errors == []

    reader = browser.new_page()
    reader.goto(f"{site.url}{path}")
    comments = reader.locator("#comments")
    expect(comments).to_contain_text(bodies[0])
    expect(comments).to_contain_text(bodies[2])
    expect(comments).not_to_contain_text(bodies[1])
    reply = reader.locator(".comment", has_text=f"有一定帮助，但要配合锻炼 {tag}")
    expect(reply).to_contain_text("工作人员")
    reader.close()


ADMIN_PAGES = [
    ("editor", "/admin/articles/article/"),
    ("editor", "/admin/articles/article/{seed}/change/"),
    ("editor", "/admin/articles/article/{seed}/translate/zh-hans/"),
    ("editor", "/admin/articles/bodyimage/picker/?lang=en"),
    ("editor", "/admin/exchange/assignment/export/?ids={seed}"),
    ("moderator", "/admin/comments/comment/?status__exact=pending"),
    ("translator", "/admin/exchange/assignment/"),
    ("translator", "/admin/exchange/assignment/import/"),
    ("translator", "/admin/articles/article/{assigned}/translate/en/"),
]


@pytest.mark.parametrize("width,scheme", [(375, "light"), (1280, "dark")])
def test_admin_pages_have_no_serious_accessibility_violations(site, browser, width, scheme):
    seed = article_pk(site, "stem-cell-therapy-for-lumbar-disc-herniation")
    assigned = article_pk(site, "jiu-zuo-xiao-tie-shi")
    found = {}
    for user in ["editor", "moderator", "translator"]:
        context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme=scheme, locale="zh-CN"
        )
        page = context.new_page()
        log_in(page, site, user)
        for path in [path for who, path in ADMIN_PAGES if who == user]:
            page.goto(
                site.url + path.format(seed=seed, assigned=assigned), wait_until="networkidle"
            )
            violations = Axe().run(page).response["violations"]
            found[path] = [
                f"{v['id']}: {node['target']}"
                for v in violations
                if v["impact"] in ("critical", "serious")
                for node in v["nodes"]
            ]
        context.close()
    assert found == {path: [] for _user, path in ADMIN_PAGES}


def test_a_translator_exports_translates_elsewhere_and_imports(site, zh_page, tmp_path):
    """The translator's day: the queue (overdue first), the XLIFF file downloaded, filled in
    a CAT tool (translate-toolkit here), imported back; a broken file is refused."""
    from translate.storage import xliff2

    from tests.test_exchange import fill_xliff

    page = zh_page
    log_in(page, site, "translator")
    page.goto(f"{site.url}/admin/exchange/assignment/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("已逾期")  # the overdue one first
    sidebar = page.locator("#nav-sidebar")  # only translation work
    expect(sidebar.locator("a", has_text="翻译任务")).to_have_count(1)
    expect(sidebar.locator("a", has_text="文章")).to_have_count(0)
    expect(sidebar.locator("a", has_text="评论")).to_have_count(0)
    page.locator(".object-tools a", has_text="导出翻译文件").click()
    page.locator("select[name=language]").select_option("en")
    page.locator("input[name=scope][value=mine]").check()
    with page.expect_download() as download_info:
        page.locator("input[type=submit]").click()
    exported = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(exported)
    files = xliff2.Xliff2File.parsestring(exported.read_bytes()).getfilenames()
    assert f"article-{article_pk(site, 'jiu-zuo-xiao-tie-shi')}" in files
    done = tmp_path / "done.xlf"
    done.write_bytes(fill_xliff(exported.read_bytes()))
    broken = tmp_path / "broken.xlf"
    broken.write_bytes(done.read_bytes().replace(b"<source>", b"<source>edited ", 1))

    page.goto(f"{site.url}/admin/exchange/assignment/import/")
    page.set_input_files("input[type=file]", str(broken))
    page.locator("input[type=submit]").click()
    expect(page.locator(".import-result")).to_contain_text("没有导入任何内容")
    expect(page.locator(".import-result .errorlist li")).to_contain_text(["文件中的原文被改动了"])
    page.set_input_files("input[type=file]", str(done))
    page.locator("input[type=submit]").click()
    expect(page.locator(".import-result h2")).to_have_text("已导入")
    page.goto(f"{site.url}/admin/exchange/assignment/")  # both came back
    expect(page.locator("td.field-returned_at", has_text="-")).to_have_count(0)
    reader = page.context.new_page()
    reader.goto(f"{site.url}/en/articles/jiu-zuo-xiao-tie-shi/")
    expect(reader.locator("h1")).to_contain_text("EN[")
    assert page.errors == []
