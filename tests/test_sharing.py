"""Readers who come back: a share block that works in China (a link to copy, a QR code
drawn on the server, Weibo), and feeds that a browser shows as a page."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest
import segno
from django.test import Client

from .factories import make_article

pytestmark = pytest.mark.django_db


def test_the_share_block_gives_the_articles_own_address_three_ways(settings):
    article = make_article(slug="shared", title_en='Share "me" & <you>')
    html = Client().get("/en/articles/shared/").content.decode()
    share = html[
        html.index('<section class="share"') : html.index(
            "</section>", html.index('<section class="share"')
        )
    ]
    url = settings.SITE_URL.rstrip("/") + "/en/articles/shared/"  # never the request's Host
    assert f'<input id="share-url" type="text" readonly value="{url}">' in share
    weibo = share.split('href="')[1].split('"')[0].replace("&amp;", "&")
    query = parse_qs(urlsplit(weibo).query)
    assert weibo.startswith("https://service.weibo.com/share/share.php?")
    assert query == {"url": [url], "title": ['Share "me" & <you>']}
    # The QR code is this address, drawn on the server as an inline, named SVG.
    assert '<svg role="img" aria-label="QR code of this article’s address"' in share
    expected = segno.make(url, error="m").svg_inline(
        scale=3, border=2, dark="#000", light="#fff", svgclass="share-qr"
    )
    assert expected.split(">", 1)[1] in share
    # Nothing on the page is loaded from another site.
    assert "<script src=" not in html and 'src="http' not in html
    assert article.title_zh_hans  # the Chinese page has its own, in Chinese words
    zh = Client().get("/zh-hans/articles/shared/").content.decode()
    assert "微信扫一扫" in zh and "分享到微博" in zh


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_feeds_name_a_stylesheet_in_their_language_and_stay_feeds(lang, kind):
    make_article()
    response = Client().get(f"/{lang}/feeds/{kind}.xml")
    body = response.content
    assert f'<?xml-stylesheet href="/{lang}/feeds/style.xsl" media="screen" type="text/xsl"?>' in (
        body.decode()
    )
    ET.fromstring(body)  # noqa: S314 (our own feed, read as a strict reader would)
    parsed = feedparser.parse(body)
    assert not parsed.bozo and len(parsed.entries) == 1
    description = parsed.feed.get("description") or parsed.feed.get("subtitle")
    assert {"zh-hans": "中文", "en": "in English"}[lang] in description
    assert "中英文" not in description


def test_the_stylesheet_is_xslt_in_the_readers_language():
    response = Client().get("/zh-hans/feeds/style.xsl")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xsl")
    root = ET.fromstring(response.content)  # noqa: S314 (our own stylesheet)
    assert root.tag == "{http://www.w3.org/1999/XSL/Transform}stylesheet"
    assert "如何订阅" in response.content.decode()
    assert "How to subscribe" in Client().get("/en/feeds/style.xsl").content.decode()


def test_a_cover_gets_a_square_preview_image_for_wechat_and_weibo(settings):
    from PIL import Image

    from .factories import image_bytes, upload

    article = make_article(
        slug="square", cover=upload(content=image_bytes(size=(1600, 900))),
        cover_alt_en="Cover", cover_alt_zh_hans="封面",
    )  # fmt: skip
    side, _side, name = article.cover_renditions["share"]
    with Image.open(settings.MEDIA_ROOT / name) as square:
        assert square.size == (600, 600) and side == 600
    html = Client().get("/en/articles/square/").content.decode()
    images = re.findall(r'<meta property="og:image" content="([^"]+)">', html)
    assert len(images) == 2 and images[1].endswith(name.rsplit("/", 1)[1])
    assert '<meta property="og:image:width" content="600">' in html
    weibo = html.split('href="https://service.weibo.com/')[1].split('"')[0].replace("&amp;", "&")
    assert parse_qs(urlsplit(weibo).query)["pic"][0].endswith(name.rsplit("/", 1)[1])
