"""What editors paste and upload never breaks a page, a feed or a form: control characters,
characters XML cannot hold, images of absurd shapes, model rules on fields a form hides."""

import io
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from lxml import etree
from PIL import Image

from articles.models import Article, BodyImage, Page, Person

from .factories import article_form, image_bytes, make_article, make_category, make_comment, upload

pytestmark = pytest.mark.django_db

PASTED = "Line\x0bbreak\x0c and \x00nul\x01, \x7f\x85\ud800\ufffe\uffff end"
FEEDS = ["/en/feeds/rss.xml", "/en/feeds/atom.xml", "/zh-hans/feeds/rss.xml"]


def strictly_parsed(content):
    """The document as a strict XML parser reads it (lxml without recovery, and ElementTree)."""
    ET.fromstring(content)  # noqa: S314 (our own feed, read as a strict reader would)
    return etree.fromstring(content, etree.XMLParser(recover=False))


def test_control_characters_pasted_into_every_text_field_never_reach_a_page_or_feed(client):
    category = make_category(en=f"Cat {PASTED}")
    article = make_article(
        category=category, title_en=f"Title {PASTED}", summary_en=f"Summary {PASTED}",
        body_en=f"<p>Body {PASTED}</p>", meta_description_en=f"Meta {PASTED}",
    )  # fmt: skip
    person = Person.objects.create(slug="p", name_en=f"Name {PASTED}", bio_en=f"Bio {PASTED}")
    page = Page.objects.create(slug="about", title_en=f"About {PASTED}", body_en=f"<p>{PASTED}</p>")
    comment = make_comment(article, name=f"Visitor {PASTED}", body=f"Comment {PASTED}")
    for thing in (category, article, person, page, comment):
        thing.refresh_from_db()
    assert article.title_en == "Title Line break  and nul,   end"  # one line
    stored = [article.summary_en, article.body_en, article.meta_description_en, category.name_en,
              person.name_en, person.bio_en, page.title_en, page.body_en, comment.name,
              comment.body]  # fmt: skip
    for text in stored:
        assert not any(ord(c) < 32 and c not in "\t\n" for c in text), repr(text)
        assert not any(c in text for c in "\x7f\x85\ud800\ufffe\uffff"), repr(text)
    for url in [*FEEDS, f"/en/categories/{category.slug}/rss.xml", "/sitemap-articles-en.xml"]:
        response = client.get(url)
        assert response.status_code == 200, url
        strictly_parsed(response.content)
    html = client.get(f"/en/articles/{article.slug}/").content.decode()
    assert "\x0b" not in html and "\ufffe" not in html


def test_body_images_keep_their_alt_text_clean():
    image = BodyImage.objects.create(
        file=upload(content=image_bytes(size=(800, 600))), alt_en=f"Alt {PASTED}",
        alt_zh_hans="图", caption_en=f"Caption {PASTED}",
    )  # fmt: skip
    image.refresh_from_db()
    assert "\x0b" not in image.alt_en and "\uffff" not in image.caption_en


@pytest.mark.parametrize(
    "size,words",
    [((100, 20_000), "each side may be at most"), ((2_000, 150), "at most 10 times the other")],
)
def test_images_of_absurd_shapes_are_a_form_error_not_a_500(client, editor, size, words):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 200, 200)).save(buffer, "PNG")
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        "/admin/articles/article/add/",
        article_form(make_category(), cover=upload("strip.png", buffer.getvalue(), "image/png")),
    )
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Article.objects.exists()
    person = client.post(
        "/admin/articles/person/add/",
        {"slug": "p", "name_zh_hans": "名", "name_en": "Name",
         "photo": upload("strip.png", buffer.getvalue(), "image/png")},
    )  # fmt: skip
    assert person.status_code == 200 and words in person.content.decode()


def test_the_side_by_side_view_asks_for_the_cover_text_instead_of_a_500(client, editor):
    article = make_article(
        en=False, cover=upload(content=image_bytes(size=(640, 360))), cover_alt_zh_hans="封面"
    )
    client.force_login(editor)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    url = f"/admin/articles/article/{article.pk}/translate/en/"
    fields = {"title_en": "First English version", "summary_en": "", "body_en": "<p>Body.</p>"}
    response = client.post(url, fields)
    assert response.status_code == 200
    assert "Describe the cover image" in response.content.decode()
    article.refresh_from_db()
    assert not article.available_en
    response = client.post(url, {**fields, "cover_alt_en": "A cover"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.available_en and article.cover_alt_en == "A cover"


def test_feeds_and_sitemaps_are_well_formed_for_a_strict_parser(client):
    make_article(title_en="Fish & chips <b>", summary_en="“Quotes” and 'apostrophes'")
    for url in [*FEEDS, "/sitemap.xml", "/sitemap-articles-en.xml"]:
        strictly_parsed(Client().get(url).content)
