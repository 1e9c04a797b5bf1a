"""Editors write articles in the admin; covers are checked, cleaned and resized."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from PIL import Image

from articles.models import Article, RelatedLink

from .factories import article_form, image_bytes, make_article, make_category, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_in_english")]


def test_editor_creates_article_with_cover_and_related_links(client, editor):
    category = make_category()
    other = make_article()
    client.force_login(editor)
    data = article_form(
        category,
        cover=upload(),
        body_en='<p onclick="x()">Safe <strong>bold</strong><script>alert(1)</script></p>',
        **{
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-to_article": str(other.pk),
            "related_links-0-sort_order": "1",
        },
    )
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get(slug="new-article")
    assert article.body_en == "<p>Safe <strong>bold</strong></p>"
    assert list(article.related.all()) == [other]
    assert article.cover_renditions["webp"][0][0] == 480
    page = client.get("/en/articles/new-article/").content.decode()
    assert "<picture>" in page and 'type="image/webp"' in page
    assert 'width="1200" height="800"' in page and 'alt="Cover"' in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.jpg", b"this is just text, not a picture", "Upload a JPEG, PNG or WebP image"),
        ("doc.gif", None, "Upload a JPEG, PNG or WebP image"),
        ("huge.png", None, "too many pixels"),
    ],
)
def test_forged_and_dangerous_uploads_get_form_errors(client, editor, name, content, message):
    if name == "doc.gif":
        content = image_bytes("GIF", size=(10, 10))
    if name == "huge.png":
        buffer = io.BytesIO()
        Image.new("1", (20000, 20000)).save(buffer, "PNG")  # tiny file, 400 megapixels
        content = buffer.getvalue()
    client.force_login(editor)
    data = article_form(make_category(), cover=upload(name, content))
    response = client.post("/admin/articles/article/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Article.objects.exists()


def test_oversized_upload_is_refused(client, editor, settings):
    settings.COVER_MAX_BYTES = 50_000
    client.force_login(editor)
    noisy = Image.effect_noise((800, 800), 100).convert("RGB")
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    response = client.post(
        "/admin/articles/article/add/",
        article_form(make_category(), cover=upload("big.png", buffer.getvalue())),
    )
    assert "larger than" in response.content.decode()
    assert not Article.objects.exists()


def test_cover_needs_alt_text_in_each_written_language(client, editor):
    client.force_login(editor)
    data = article_form(make_category(), cover=upload(), cover_alt_en="")
    response = client.post("/admin/articles/article/add/", data)
    assert "Describe the cover image" in response.content.decode()
    assert not Article.objects.exists()


def test_cover_size_is_stored_so_reading_an_article_never_opens_the_image(monkeypatch):
    article = make_article(cover=upload(content=image_bytes(size=(1200, 800))), cover_alt_en="c",
                           cover_alt_zh_hans="c")  # fmt: skip
    row = Article.objects.values("cover_width", "cover_height").get(pk=article.pk)
    assert row == {"cover_width": 1200, "cover_height": 800}

    def no_open(*args, **kwargs):
        raise AssertionError("the cover was opened to read its size")

    monkeypatch.setattr(default_storage, "open", no_open)
    assert Article.objects.get(pk=article.pk).cover_width == 1200


def test_migration_stores_the_size_of_covers_saved_without_one():
    migration = importlib.import_module("articles.migrations.0006_store_cover_sizes")
    article = make_article(cover=upload(content=image_bytes(size=(640, 360))), cover_alt_en="c",
                           cover_alt_zh_hans="c")  # fmt: skip
    gone = make_article()
    Article.objects.filter(pk=gone.pk).update(cover="covers/missing.jpg")
    Article.objects.update(cover_width=None, cover_height=None)
    migration.store_cover_sizes(apps, None)
    sizes = dict(Article.objects.values_list("pk", "cover_width"))
    assert sizes == {article.pk: 640, gone.pk: None}


def test_exif_and_gps_are_stripped_from_covers():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPS latitude
    article = make_article(cover=upload(content=image_bytes(exif=exif)), cover_alt_en="c",
                           cover_alt_zh_hans="c")  # fmt: skip
    with default_storage.open(article.cover.name) as stored:
        data = stored.read()
    assert b"SecretCam" not in data
    assert not Image.open(io.BytesIO(data)).getexif()
    for ext in ("webp", "jpg"):
        for _w, _h, name in article.cover_renditions[ext]:
            with default_storage.open(name) as rendition:
                assert not Image.open(rendition).getexif()


def test_renditions_in_three_widths_and_two_formats():
    article = make_article(cover=upload(content=image_bytes(size=(2000, 1000))))
    assert [w for w, _h, _n in article.cover_renditions["jpg"]] == [480, 960, 1440]
    for _w, _h, name in article.cover_renditions["webp"]:
        with default_storage.open(name) as rendition:
            assert Image.open(rendition).format == "WEBP"


def test_both_languages_need_title_and_body_together(client, editor):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/article/add/", article_form(make_category(), body_en="")
    )
    assert "both a title and a body" in response.content.decode()


def test_missing_translation_filters_and_search(client, editor):
    zh_only = make_article(en=False, title_zh_hans="只有中文")
    en_only = make_article(zh=False, title_en="Only English")
    client.force_login(editor)
    missing_en = client.get("/admin/articles/article/?translation=en:missing").content.decode()
    assert "只有中文" in missing_en and "Only English" not in missing_en
    missing_zh = client.get("/admin/articles/article/?translation=zh-hans:missing").content.decode()
    assert "Only English" in missing_zh and "只有中文" not in missing_zh
    assert "Only English" in client.get("/admin/articles/article/?q=Only").content.decode()
    assert zh_only.pk != en_only.pk


def test_admin_uses_local_jquery_ui_and_tabs(client, editor):
    client.force_login(editor)
    page = client.get("/admin/articles/article/add/").content.decode()
    assert "vendor/jquery-ui/jquery-ui.min" in page
    assert "googleapis" not in page and "//code.jquery" not in page
    assert "tabbed_translation_fields" in page
    assert "django_prose_editor" in page


def test_editors_cannot_touch_comments_or_users(client, editor):
    client.force_login(editor)
    assert client.get("/admin/articles/article/").status_code == 200
    assert client.get("/admin/articles/category/").status_code == 200
    assert client.get("/admin/comments/comment/").status_code == 403
    assert client.get("/admin/auth/user/").status_code == 403


def test_view_on_site_links_for_each_language(client, editor):
    article = make_article(en=False, status="draft")
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f'href="/zh-hans/articles/{article.slug}/"' in page
    assert f'href="/en/articles/{article.slug}/"' not in page


def test_related_link_inline_refuses_self_link(client, editor):
    article = make_article()
    client.force_login(editor)
    data = article_form(
        article.category,
        slug=article.slug,
        **{
            "related_links-TOTAL_FORMS": "1",
            "related_links-0-to_article": str(article.pk),
            "related_links-0-sort_order": "0",
        },
    )
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 200
    assert not RelatedLink.objects.exists()


def test_a_pinyin_slug_is_offered_the_english_title_and_the_old_address_redirects(client, editor):
    from django.test import Client

    from articles.models import Article

    from .factories import make_article

    article = make_article("gan-xi-bao-zhi-liao-yao-tu", title_zh_hans="干细胞治疗腰突", en=False)
    client.force_login(editor)
    client.cookies["django_language"] = "en"
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "suggests a clearer one" not in page  # no English title yet: nothing to offer
    article.title_en, article.body_en = "Stem cell therapy for disc herniation", "<p>Body</p>"
    article.save()
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "Use “stem-cell-therapy-for-disc-herniation”" in page
    response = client.post(f"/admin/articles/article/{article.pk}/use-slug/")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).slug == "stem-cell-therapy-for-disc-herniation"
    old = Client().get("/en/articles/gan-xi-bao-zhi-liao-yao-tu/")
    assert old.status_code == 301
    assert old["Location"] == "/en/articles/stem-cell-therapy-for-disc-herniation/"
    page = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert "suggests a clearer one" not in page
