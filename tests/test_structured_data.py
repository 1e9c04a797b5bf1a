"""Search engines read structured data: JSON-LD parsed as they parse it (extruct)."""

import extruct
import pytest
from django.test import Client

from .factories import image_bytes, make_article, make_category, upload

pytestmark = pytest.mark.django_db

# What Google's Article rich result documents as required or recommended.
ARTICLE_PROPERTIES = {"headline", "image", "datePublished", "dateModified", "author", "publisher"}


def json_ld(url, client=None):
    response = (client or Client()).get(url)
    assert response.status_code == 200
    return extruct.extract(response.content.decode(), syntaxes=["json-ld"])["json-ld"]


def test_article_pages_describe_the_article_and_its_breadcrumbs_in_their_language():
    category = make_category("treatment", zh="治疗", en="Treatment")
    article = make_article(
        category=category, cover=upload(content=image_bytes(size=(1600, 900))),
        cover_alt_en="Cover", cover_alt_zh_hans="封面", summary_en="What trials found",
    )  # fmt: skip
    for lang, title, crumb, code in [("en", article.title_en, "Treatment", "en"),
                                     ("zh-hans", article.title_zh_hans, "治疗", "zh-Hans")]:  # fmt: skip
        blocks = {block["@type"]: block for block in json_ld(f"/{lang}/articles/{article.slug}/")}
        data = blocks["Article"]
        assert ARTICLE_PROPERTIES <= set(data)
        assert data["headline"] == title and data["inLanguage"] == code
        url = f"http://testserver/{lang}/articles/{article.slug}/"
        assert data["mainEntityOfPage"]["@id"] == url
        assert all(image.startswith("http://testserver/media/") for image in data["image"])
        assert data["publisher"]["@type"] == "Organization" and data["publisher"]["logo"]["url"]
        assert data["datePublished"].startswith(article.publish_at.date().isoformat()[:4])
        crumbs = blocks["BreadcrumbList"]["itemListElement"]
        assert [c["position"] for c in crumbs] == [1, 2, 3]
        assert crumbs[1]["name"] == crumb and crumbs[2]["item"] == url
    page = Client().get(f"/en/articles/{article.slug}/").content.decode()
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_a_title_cannot_end_the_json_ld_block():
    hostile = 'Ends here </script><script>alert("x")</script> & more'
    article = make_article(title_en=hostile)
    page = Client().get(f"/en/articles/{article.slug}/").content.decode()
    assert page.count("<script") == page.count('<script type="application/ld+json">') == 2
    (data,) = [b for b in json_ld(f"/en/articles/{article.slug}/") if b["@type"] == "Article"]
    assert data["headline"] == hostile  # read back whole


def test_home_page_describes_the_website():
    (site,) = json_ld("/zh-hans/")
    assert site["@type"] == "WebSite" and site["url"] == "http://testserver/zh-hans/"
    assert site["inLanguage"] == "zh-Hans"
