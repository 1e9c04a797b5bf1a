"""Translators' files: XLIFF 2.0 and PO out of the site and back, judged by translate-toolkit
(its XLIFF 2 and PO storage classes) and a strict XML parser, and the assignments that
hand the work out."""

import copy
import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.core.management import call_command
from django.test import Client
from lxml import etree
from translate.storage import pypo, xliff2
from translate.storage.placeables.xliff import UnknownXML

from articles.models import Article, BodyImage, Reference
from exchange import transfer
from exchange.models import Assignment, Memory

from .factories import make_article, make_user, upload
from .test_visitor_comments import run_tasks, worker_test

pytestmark = pytest.mark.django_db
SEED = "stem-cell-therapy-for-lumbar-disc-herniation"
XLIFF_NS = {"x": "urn:oasis:names:tc:xliff:document:2.0"}


def export(client, ids, language="en", kind="xliff", scope="chosen"):
    response = client.post(
        "/admin/exchange/assignment/export/",
        {"language": language, "kind": kind, "scope": scope, "ids": ",".join(map(str, ids))},
    )
    assert response.status_code == 200, response.content.decode()[:3000]
    assert "attachment" in response["Content-Disposition"]
    return response.content


def import_file(client, content, name="done.xlf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        "/admin/exchange/assignment/import/", {"file": SimpleUploadedFile(name, content)}
    )
    return response.status_code, response.content.decode()


def translated(text):
    """A stand-in translator: every piece of text marked as translated, kept recognisable."""
    return f"EN[{text}]" if text.strip() else text


def fill_xliff(content, change=translated):
    """Fill every target through translate-toolkit: the source's rich text (its text and its
    placeholders), with the text translated and the placeholders moved along."""
    store = xliff2.Xliff2File.parsestring(content)
    for unit in store.units:
        if unit.target:
            continue
        rich = copy.deepcopy(unit.rich_source)

        def walk(element):
            for i, sub in enumerate(element.sub):
                if isinstance(sub, str):
                    element.sub[i] = change(sub)
                else:
                    walk(sub)

        for element in rich:
            walk(element)
        unit.rich_target = rich
    return bytes(store)


def fill_po(content, change=translated):
    store = pypo.pofile.parsestring(content)
    for unit in store.units:
        if unit.isheader() or unit.target:
            continue
        # Only the text between placeholders is translated; {1}, {/1} and {2/} stay.
        unit.target = re.sub(
            r"(\{/?[0-9]+/?\}|\{\{|\}\})|([^{}]+)",
            lambda m: m.group(1) or change(m.group(2)),
            unit.source,
        )
    return bytes(store)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def illustrated(editor):
    """A Chinese article with bold and a link, a citation, an image with a caption, a list
    and a reference, not yet in English."""
    image = BodyImage.objects.create(
        file=upload("scan.jpg"), alt_zh_hans="腰椎磁共振图像", caption_zh_hans="矢状位 T2 像"
    )
    body = (
        "<h2>检查</h2><p>医生会先做<strong>体格检查</strong>，再看"
        '<a href="https://example.org/mri">磁共振</a>[1]。</p>'
        f'<figure><img data-file="{image.pk}" src="{image.url}"><figcaption>一张图像</figcaption></figure>'
        "<ul><li><p>第一条</p></li><li><p>第二条</p></li></ul>"
        '<blockquote class="editor-note"><p>编者按：证据有限。</p></blockquote>'
    )
    article = make_article("illustrated", en=False, title_zh_hans="腰突的检查", body_zh_hans=body)
    Reference.objects.create(
        article=article, sort_order=1, title_zh_hans="腰突影像学研究", year=2020
    )
    return article


def test_an_xliff_export_is_read_by_translate_toolkit_and_a_strict_parser(
    editor_client, illustrated
):
    content = export(editor_client, [illustrated.pk])
    root = etree.fromstring(content, etree.XMLParser(recover=False, resolve_entities=False))
    assert root.get("version") == "2.0" and root.get("srcLang") == "zh-Hans"
    assert root.get("trgLang") == "en"
    store = xliff2.Xliff2File.parsestring(content)
    units = {unit.getid(): unit for unit in store.units}
    reference = illustrated.references.get()
    image = BodyImage.objects.get()
    assert {"title", "body-1", "body-2", f"image-{image.pk}-alt", f"image-{image.pk}-caption",
            f"reference-{reference.pk}-title"} <= set(units)  # fmt: skip
    assert units["title"].source == "腰突的检查"
    # Bold, the link and the citation mark are placeholders; the text is the text.
    paragraph = units["body-2"]
    assert paragraph.source == "医生会先做体格检查，再看磁共振。"
    kinds = [sub.xml_node.tag.rpartition("}")[2]
             for sub in paragraph.rich_source[0].sub if isinstance(sub, UnknownXML)]  # fmt: skip
    assert kinds == ["pc", "pc", "ph"]
    data = root.findall(".//x:unit[@id='body-2']/x:originalData/x:data", XLIFF_NS)
    assert [d.text for d in data] == [
        "<strong>", "</strong>", '<a href="https://example.org/mri" rel="noopener noreferrer nofollow">',
        "</a>", "[1]",
    ]  # fmt: skip
    # Every block is a unit: headings, paragraphs, list items, the caption, the note.
    sources = [unit.source for unit in store.units]
    for text in ("检查", "一张图像", "第一条", "第二条", "编者按：证据有限。"):
        assert text in sources
    assert all(not unit.target for unit in store.units)  # nothing in English yet


def test_a_po_export_is_read_by_translate_toolkit(editor_client, illustrated):
    content = export(editor_client, [illustrated.pk], kind="po")
    store = pypo.pofile.parsestring(content)
    header = store.parseheader()
    assert header["Language"] == "en" and header["X-Source-Language"] == "zh-Hans"
    units = {unit.getcontext(): unit for unit in store.units if not unit.isheader()}
    assert (
        units[f"{illustrated.pk}:body-2"].source
        == "医生会先做{1}体格检查{/1}，再看{2}磁共振{/2}{3/}。"
    )
    assert units[f"{illustrated.pk}:title"].source == "腰突的检查"


@pytest.mark.parametrize("kind", ["xliff", "po"])
def test_a_round_trip_translates_the_article_with_its_images_and_references(
    editor_client, editor, illustrated, kind
):
    content = export(editor_client, [illustrated.pk], kind=kind)
    done = fill_xliff(content) if kind == "xliff" else fill_po(content)
    status, html = import_file(editor_client, done, f"illustrated.en.{kind}")
    assert status == 200, html
    assert "Nothing was imported" not in html
    article = Article.objects.get(pk=illustrated.pk)
    assert article.title_en == "EN[腰突的检查]"
    body = article.body_en
    assert re.search(r"<h2[^>]*>EN\[检查\]</h2>", body)
    assert ("<p>EN[医生会先做]<strong>EN[体格检查]</strong>EN[，再看]"
            '<a href="https://example.org/mri" rel="noopener noreferrer nofollow">EN[磁共振]</a>'
            "[1]EN[。]</p>") in body  # fmt: skip
    assert "<li><p>EN[第一条]</p></li>" in body and "EN[一张图像]" in body
    assert '<blockquote class="editor-note"><p>EN[编者按：证据有限。]</p></blockquote>' in body
    image = BodyImage.objects.get()
    assert image.alt_en == "EN[腰椎磁共振图像]" and image.caption_en == "EN[矢状位 T2 像]"
    assert f'alt="{image.alt_en}"' in body  # the image speaks English in the English body
    assert Reference.objects.get().title_en == "EN[腰突影像学研究]"
    assert article.translation_status("en") == "current"
    revision = article.history.first()
    assert revision.history_change_reason == f"Imported from illustrated.en.{kind}"
    assert revision.history_user == editor
    page = Client().get("/en/articles/illustrated/").content.decode()
    assert "EN[腰突的检查]" in page and 'href="#ref-1"' in page


def test_the_seed_article_makes_the_round_trip_from_english_to_chinese(editor_client):
    call_command("load_demo", "--no-users", verbosity=0)
    seed = Article.objects.get(slug=SEED)
    english_body = seed.body_en
    seed.body_zh_hans = seed.title_zh_hans = seed.summary_zh_hans = ""
    seed.cover_alt_zh_hans = seed.meta_description_zh_hans = ""
    seed.save()
    Memory.objects.all().delete()  # else the memory gives the Chinese back at once
    for kind in ("xliff", "po"):
        content = export(editor_client, [seed.pk], language="zh-hans", kind=kind)
        done = fill_xliff(content, lambda t: f"中[{t}]" if t.strip() else t) if kind == "xliff" \
            else fill_po(content, lambda t: f"中[{t}]")  # fmt: skip
        status, html = import_file(editor_client, done, f"seed.{kind}")
        assert status == 200, html
        seed.refresh_from_db()
        assert seed.title_zh_hans.startswith("中[") and seed.body_en == english_body
        assert seed.body_zh_hans.count("<h2>") == english_body.count("<h2>")
        assert seed.translation_status("zh-hans") == "current"
        assert Client().get(f"/zh-hans/articles/{SEED}/").status_code == 200


def _xliff_target(content, unit_id, edit):
    root = etree.fromstring(content)
    target = root.find(f".//x:unit[@id='{unit_id}']/x:segment/x:target", XLIFF_NS)
    edit(root, target)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_a_broken_placeholder_refuses_the_whole_file_and_changes_nothing(
    editor_client, illustrated
):
    done = fill_xliff(export(editor_client, [illustrated.pk]))

    def drop_the_link(root, target):
        link = target.findall("x:pc", XLIFF_NS)[1]
        link.getparent().remove(link)

    status, html = import_file(editor_client, _xliff_target(done, "body-2", drop_the_link))
    assert status == 400 and "Nothing was imported" in html
    assert re.search(
        r"unit body-2: placeholders missing, repeated or out of order: \{2\} \{/2\}\.", html
    )
    assert Article.objects.get(pk=illustrated.pk).title_en == ""
    # In a PO file: a closing mark left out.
    po = fill_po(export(editor_client, [illustrated.pk], kind="po")).decode()
    po = po.replace("EN[体格检查]{/1}", "EN[体格检查]", 1)
    status, html = import_file(editor_client, po.encode(), "done.po")
    assert status == 400 and "{1}" in html and Article.objects.get(pk=illustrated.pk).title_en == ""


def test_a_source_edited_in_the_file_or_a_foreign_file_is_refused(editor_client, illustrated):
    done = fill_xliff(export(editor_client, [illustrated.pk]))

    def edit_source(root, target):
        source = target.getparent().find("x:source", XLIFF_NS)
        source.text = "另一个标题"

    status, html = import_file(editor_client, _xliff_target(done, "title", edit_source))
    assert status == 400 and "unit title: its source text was edited in the file" in html

    # The same file as another site (another secret key) would have signed it.
    def sign_elsewhere(root, target):
        note = root.find(".//x:note[@category='signature']", XLIFF_NS)
        payload = signing.loads(note.text, salt=transfer.SALT)
        note.text = signing.dumps(payload, salt=transfer.SALT, key="another-site-" + "x" * 50)

    status, html = import_file(editor_client, _xliff_target(done, "title", sign_elsewhere))
    assert status == 400 and "was not exported by this site" in html
    status, html = import_file(editor_client, b"<xliff><file>", "broken.xlf")
    assert status == 400 and "not well-formed XML" in html
    assert Article.objects.get(pk=illustrated.pk).title_en == ""


def test_units_changed_on_the_site_since_the_export_are_skipped_and_named(editor_client):
    article = make_article("both", title_zh_hans="标题", title_en="Title",
                           body_zh_hans="<p>正文。</p>", body_en="<p>Body.</p>")  # fmt: skip
    store = pypo.pofile.parsestring(export(editor_client, [article.pk], kind="po"))
    for unit in store.units:  # the translator revises both
        if not unit.isheader():
            unit.target = {"Title": "A better title", "Body.": "A better body."}[unit.target]
    article.title_zh_hans = "新标题"  # while the editor changes the Chinese title
    article.save()
    status, html = import_file(editor_client, bytes(store), "done.po")
    assert status == 200
    assert "unit title: its source changed on the site since the export" in html
    article.refresh_from_db()
    assert (article.title_en, article.body_en) == ("Title", "<p>A better body.</p>")
    assert article.translation_status("en") == "stale"  # its new title waits for a translation
    # A first version is written whole or not at all.
    new = make_article("new", en=False)
    content = fill_po(export(editor_client, [new.pk], kind="po"))
    new.title_zh_hans = "改过的标题"
    new.save()
    status, html = import_file(editor_client, content, "new.po")
    assert "a first version needs its whole title and body" in html
    assert Article.objects.get(pk=new.pk).body_en == ""


def test_a_stale_version_exports_what_changed_and_carries_what_did_not(editor_client):
    article = make_article(
        "stale", body_zh_hans="<p>第一段。</p><p>第二段。</p>",
        body_en="<p>First paragraph.</p><p>Second paragraph.</p>",
    )  # fmt: skip
    article.body_zh_hans = "<p>第一段。</p><p>第二段改过了。</p>"
    article.save()
    assert article.translation_status("en") == "stale"
    store = pypo.pofile.parsestring(export(editor_client, [article.pk], kind="po"))
    units = {unit.getcontext(): unit for unit in store.units if not unit.isheader()}
    first, second = units[f"{article.pk}:body-1"], units[f"{article.pk}:body-2"]
    assert first.target == "First paragraph." and not first.prev_source
    assert second.target == "" and second.prev_source == "第二段。"
    assert "Second paragraph." in second.getnotes()


def test_the_translation_memory_fills_in_what_was_translated_before(editor_client):
    make_article(
        "first", body_zh_hans="<p>腰突很常见。</p>", body_en="<p>Disc herniation is common.</p>"
    )
    second = make_article("second", en=False, body_zh_hans="<p>腰突很常见。</p><p>新的一段。</p>")
    assert Memory.objects.filter(source="腰突很常见。").exists()
    store = xliff2.Xliff2File.parsestring(export(editor_client, [second.pk]))
    units = {unit.getid(): unit for unit in store.units}
    assert units["body-1"].target == "Disc herniation is common."
    assert units["body-1"].isfuzzy()  # state="initial": for the translator to check
    assert "translation memory" in etree.tostring(
        etree.fromstring(bytes(store)).find(".//x:unit[@id='body-1']", XLIFF_NS), encoding="unicode"
    )
    assert not units["body-2"].target
    po = pypo.pofile.parsestring(export(editor_client, [second.pk], kind="po"))
    entry = next(u for u in po.units if u.getcontext() == f"{second.pk}:body-1")
    assert entry.target == "Disc herniation is common." and entry.isfuzzy()


def test_a_batch_exports_every_stale_or_missing_version_from_the_command_line(tmp_path, editor):
    make_article("done-already")
    missing = make_article("missing", en=False)
    path = tmp_path / "batch.po"
    call_command("export_translation", "--to", "en", "--waiting", "--format", "po",
                 "-o", str(path), stdout=open(tmp_path / "out", "w"))  # fmt: skip
    store = pypo.pofile.parsefile(str(path))
    articles = {unit.getcontext().partition(":")[0] for unit in store.units if not unit.isheader()}
    assert articles == {str(missing.pk)}
    path.write_bytes(fill_po(path.read_bytes()))
    call_command(
        "import_translation", str(path), "--user", "editor", stdout=open(tmp_path / "o", "w")
    )
    assert Article.objects.get(pk=missing.pk).title_en.startswith("EN[")


# Assignments.


@pytest.fixture
def translator(db):
    return make_user("translator", "Translators", email="translator@example.org")


@worker_test
def test_an_assignment_reaches_the_translator_and_comes_back_to_the_editor(client):
    editor = make_user("editor", "Editors", email="editor@example.org")
    translator = make_user("translator", "Translators", email="translator@example.org")
    assert Group.objects.get(name="Translators").permissions.count() == 1
    mine, other = make_article("mine", en=False), make_article("other", en=False)
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    response = client.post("/admin/exchange/assignment/add/", {
        "article": mine.pk, "language": "en", "translator": translator.pk,
        "due": "2020-01-01", "note": "Keep it short.",
    })  # fmt: skip
    assert response.status_code == 302
    run_tasks()
    [assigned] = mail.outbox
    assert assigned.to == ["translator@example.org"] and "Keep it short." in assigned.body
    listing = client.get("/admin/articles/article/").content.decode()
    assert "translator → English" in listing and "overdue" in listing

    client.force_login(translator)
    queue = client.get("/admin/exchange/assignment/").content.decode()
    assert "mine" in queue.lower() or str(mine) in queue
    assert client.get(f"/admin/articles/article/{mine.pk}/change/").status_code == 403
    assert client.get(f"/admin/articles/article/{mine.pk}/translate/en/").status_code == 200
    assert client.get(f"/admin/articles/article/{other.pk}/translate/en/").status_code == 403
    assert client.get("/admin/comments/comment/").status_code == 403
    content = export(client, [], scope="mine")
    assert b'id="article-%d"' % mine.pk in content and b"article-%d" % other.pk not in content
    status, html = import_file(client, fill_xliff(content))
    assert status == 200, html
    assert Assignment.objects.get().returned_at is not None
    run_tasks()
    returned = mail.outbox[-1]
    assert (
        returned.to == ["editor@example.org"]
        and str(Article.objects.get(pk=mine.pk)) in returned.body
    )
    # The assignment is closed: the translator's access with it.
    assert client.get(f"/admin/articles/article/{mine.pk}/translate/en/").status_code == 403


def test_a_translator_cannot_import_an_article_not_assigned_to_them(
    editor_client, translator, illustrated
):
    done = fill_xliff(export(editor_client, [illustrated.pk]))
    client = Client()
    client.force_login(translator)
    client.cookies["django_language"] = "en"
    status, html = import_file(client, done)
    assert status == 400 and "is not yours to translate" in html
    assert Article.objects.get(pk=illustrated.pk).title_en == ""


def test_transfer_refuses_units_that_were_not_exported(editor_client, illustrated):
    done = fill_xliff(export(editor_client, [illustrated.pk]))

    def add_unit(root, target):
        file = root.find("x:file", XLIFF_NS)
        extra = copy.deepcopy(file.find("x:unit[@id='title']", XLIFF_NS))
        extra.set("id", "invented")
        file.append(extra)

    checked = transfer.read(_xliff_target(done, "title", add_unit), "x.xlf")
    assert any("unit invented: it was not exported" in line for line in checked.problems)


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00\xff\xfe garbage",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        b'<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0">&b;</xliff>',
        b'<?xml version="1.0"?><xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" '
        b'version="1.2"><file/></xliff>',
        b'msgid ""\nmsgstr "X-Signature: forged\\n"\n\nmsgctxt "1:title"\nmsgid "x"\nmsgstr "y',
        b'msgid ""\nmsgstr ""\n"X-Signature: forged\\n"\n\nmsgctxt "1:title"\nmsgid "x"\nmsgstr "y"\n',
    ],
    ids=["empty", "binary", "entities", "xliff-1.2", "broken-po", "forged-po"],
)
def test_hostile_files_are_refused_with_a_reason(editor_client, illustrated, content):
    status, html = import_file(editor_client, content, "hostile.xlf")
    assert status == 400
    assert ("Nothing was imported" if content else "The submitted file is empty") in html
    assert Article.objects.get(pk=illustrated.pk).title_en == ""
