"""Images inside article bodies: uploaded through the cover pipeline, chosen in a picker,
written into the body as exactly one markup, and nothing else is let through."""

import io
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from PIL import Image

from articles.images import media_url
from articles.models import Article, BodyImage

from .factories import image_bytes, make_article, make_category, upload
from .test_editor_admin import article_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("admin_in_english")]

PICKER = "/admin/articles/bodyimage/picker/"


def make_image(**fields):
    values = {
        "file": upload("photo.jpg", image_bytes(size=(1400, 900))),
        "alt_zh_hans": "侧卧，膝间夹枕头",
        "alt_en": "Lying on one side, a pillow between the knees",
        "caption_zh_hans": "侧卧的姿势",
        "caption_en": "Sleeping on one side",
    }
    values.update(fields)
    return BodyImage.objects.create(**values)


def figure(image, alt="", caption="图注"):
    """What the editor sends for an image it inserted from the picker."""
    return (
        f'<figure class="figure"><img src="{image.url}" alt="{alt}" data-file="{image.pk}">'
        f"<figcaption>{caption}</figcaption></figure>"
    )


def test_picker_uploads_through_the_cover_pipeline(client, editor):
    client.force_login(editor)
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make: must not survive
    buffer = io.BytesIO()
    Image.new("RGB", (1400, 900), (90, 40, 20)).save(buffer, "JPEG", exif=exif)
    response = client.post(
        f"{PICKER}?lang=en&CKEditorFuncNum=1",
        {
            "file": upload("phone.jpg", buffer.getvalue()),
            "alt_zh_hans": "一张照片",
            "alt_en": "A photo",
            "caption_zh_hans": "",
            "caption_en": "Taken at the clinic",
        },
    )
    image = BodyImage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{PICKER}?lang=en&CKEditorFuncNum=1&chosen={image.pk}"
    assert (image.width, image.height) == (1400, 900)
    with default_storage.open(image.file.name) as stored:
        assert not Image.open(stored).getexif()
    assert [w for w, _h, _n in image.renditions["webp"]] == [480, 960, 1400]

    page = client.get(response["Location"]).content.decode()
    button = re.search(r"<button[^>]*data-insert-image[^>]*>", page)[0]
    assert f'data-id="{image.pk}"' in button
    assert 'data-alt="A photo"' in button and 'data-caption="Taken at the clinic"' in button
    assert f'data-url="{image.url}"' in button


@pytest.mark.parametrize(
    "fields,message",
    [
        ({"alt_zh_hans": ""}, "Describe the image in Chinese, the language of the text it goes"),
        ({"file": upload("x.jpg", b"not an image at all")}, "this file is not one"),
        ({"file": ""}, "This field is required."),
    ],
)
def test_picker_refuses_bad_uploads_with_a_message(client, editor, fields, message):
    client.force_login(editor)
    data = {
        "file": upload("photo.jpg"),
        "alt_zh_hans": "照片",
        "alt_en": "A photo",
        "caption_zh_hans": "",
        "caption_en": "",
        **fields,
    }
    response = client.post(f"{PICKER}?lang=zh-hans", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BodyImage.objects.exists()


def test_a_chinese_only_editor_uploads_with_chinese_alt_text_only(client, editor):
    """Alt text is asked for in the languages that show the image, not in every one."""
    from .factories import make_article

    client.force_login(editor)
    data = {"file": upload("photo.jpg"), "alt_zh_hans": "照片", "alt_en": "",
            "caption_zh_hans": "", "caption_en": ""}  # fmt: skip
    assert client.post(f"{PICKER}?lang=zh-hans", data).status_code == 302
    image = BodyImage.objects.get()
    tag = f'<img data-file="{image.pk}" src="{image.url}">'
    article = make_article("zh-only", en=False, body_zh_hans=f"<p>正文</p>{tag}")
    article.full_clean()
    assert 'alt="照片"' in article.body_zh_hans
    # The same image in an English body needs English alt text.
    article.title_en, article.body_en = "English", f"<p>Body</p>{tag}"
    with pytest.raises(ValidationError, match="Describe each image in English"):
        article.full_clean()


def test_picker_is_for_editors_only(client, editor, moderator):
    client.force_login(moderator)
    assert client.get(PICKER).status_code == 403
    client.force_login(editor)
    assert client.get(f"{PICKER}?lang=nope").status_code == 200  # an odd language: the default


def test_each_language_editor_opens_the_picker_in_its_language(client, editor):
    client.force_login(editor)
    page = client.get("/admin/articles/article/add/").content.decode()
    for code in ["zh-hans", "en"]:
        assert f"{PICKER}?lang={code}" in page


def test_saved_body_gets_srcset_lazy_loading_and_alt_per_language(client, editor):
    image = make_image()
    article = make_article(
        body_zh_hans="<p>正文</p>" + figure(image),  # no alt typed: the image's own
        body_en="<p>Body</p>" + figure(image, alt="My own words", caption="Caption"),
    )
    article.refresh_from_db()
    zh = re.search(r"<img[^>]*>", article.body_zh_hans)[0]
    assert 'alt="侧卧，膝间夹枕头"' in zh
    assert 'loading="lazy"' in zh and 'decoding="async"' in zh
    assert 'width="1400" height="900"' in zh
    assert re.search(r'srcset="[^"]+-480\.webp 480w, [^"]+-960\.webp 960w', zh)
    assert 'sizes="(min-width: 48rem) 46rem, 100vw"' in zh
    assert 'alt="My own words"' in article.body_en
    assert "<figcaption>Caption</figcaption>" in article.body_en

    response = client.get(f"/en/articles/{article.slug}/")
    assert 'alt="My own words"' in response.content.decode()

    # Saved again (the editor strips srcset on the way back): the same markup.
    body = article.body_zh_hans
    article.save()
    assert article.body_zh_hans == body


def test_sanitizer_lets_through_exactly_the_image_markup(editor):
    image = make_image()
    hostile = (
        f'<figure style="x"><img src="{image.url}" data-file="{image.pk}" onerror="alert(1)"'
        ' class="x" alt="ok"><figcaption onclick="x()">c</figcaption></figure>'
        '<p><img src="https://tracker.example/pixel.gif" alt=""></p>'
        '<figure><img src="javascript:alert(1)"><figcaption>left over</figcaption></figure>'
        f'<p><img src="/media/elsewhere.jpg" data-file="{image.pk + 99}"></p>'
        # ids that are no id: not digits, too big for the database, other scripts' digits
        '<p><img src="/a.jpg" data-file="abc"><img src="/b.jpg" data-file="99999999999999999999999">'
        f'<img src="/c.jpg" data-file="{str(image.pk).translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))}"></p>'
    )
    article = make_article(body_en="<p>Body</p>" + hostile)
    body = article.body_en
    assert "onerror" not in body and "onclick" not in body and "style" not in body
    assert "tracker.example" not in body and "javascript" not in body
    assert "elsewhere.jpg" not in body and "left over" not in body
    assert "/a.jpg" not in body and "/b.jpg" not in body and "/c.jpg" not in body
    assert body.count("<img") == 1 and body.count("<figure>") == 1
    assert "<figcaption>c</figcaption>" in body


def test_form_refuses_an_image_that_was_not_uploaded(client, editor):
    client.force_login(editor)
    category = make_category()
    response = client.post(
        "/admin/articles/article/add/",
        article_form(
            category,
            body_en='<p>Body</p><p><img src="https://example.org/x.png" alt=""></p>',
        ),
    )
    assert response.status_code == 200
    assert "Browse…" in response.content.decode()
    assert not Article.objects.exists()


def test_editors_manage_body_images_in_the_admin(client, editor):
    image = make_image()
    client.force_login(editor)
    listing = client.get("/admin/articles/bodyimage/").content.decode()
    assert "Lying on one side" in listing
    assert client.get(f"/admin/articles/bodyimage/{image.pk}/change/").status_code == 200


def test_an_images_credit_shows_under_it_in_each_language_and_follows_its_edits():
    image = make_image(
        credit_zh_hans="摄影：李雷（CC BY 4.0）", credit_en="Photo: Li Lei (CC BY 4.0)"
    )
    article = make_article(
        slug="credited", body_zh_hans=figure(image), body_en=figure(image, caption="Caption")
    )
    zh = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert '<small class="image-credit">摄影：李雷（CC BY 4.0）</small>' in zh
    en = Client().get(f"/en/articles/{article.slug}/").content.decode()
    assert '<small class="image-credit">Photo: Li Lei (CC BY 4.0)</small>' in en
    image.credit_en = "Photo: <b>Han Meimei</b>"
    image.save()  # the cached article shows the new credit, escaped
    en = Client().get(f"/en/articles/{article.slug}/").content.decode()
    assert "Photo: &lt;b&gt;Han Meimei&lt;/b&gt;" in en and "Li Lei" not in en


@pytest.mark.parametrize("name", ["covers/a-480.webp", "covers/中文 名 (1).jpg", "x/#?%.png"])
def test_media_urls_are_the_storages_own(name, settings):
    for base in ("/media/", "https://cdn.example.com/m/"):
        settings.MEDIA_URL = base
        assert media_url(name) == default_storage.url(name)
