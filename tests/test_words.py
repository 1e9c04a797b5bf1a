"""The words a Chinese reader sees read as Chinese written by a person."""

import pytest
from django.test import Client
from django.utils import translation

from comments.models import Comment

from .factories import approve, make_article, make_comment, post_comment

pytestmark = pytest.mark.django_db


def test_the_switcher_names_the_missing_version_in_the_readers_words():
    article = make_article(en=False)
    assert "暂无英文版" in Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    zh_missing = make_article(zh=False)
    en = Client().get(f"/en/articles/{zh_missing.slug}/").content.decode()
    assert "No Chinese version" in en


def test_the_footer_has_no_space_between_the_site_name_and_the_verb():
    html = Client().get("/zh-hans/").content.decode()
    assert "脊柱健康笔记提供一般健康信息" in html and "脊柱健康笔记 提供" not in html


def test_no_comments_reads_as_such_and_counts_what_the_reader_sees():
    article = make_article()
    html = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert '<h2 id="comments-heading">暂无评论</h2>' in html
    approve(make_comment(article))
    make_comment(article)  # pending: nobody else sees it
    html = Client().get(f"/zh-hans/articles/{article.slug}/").content.decode()
    assert '<h2 id="comments-heading">1 条评论</h2>' in html


def test_an_empty_comment_form_gets_its_own_words_not_djangos_generic_ones(client):
    article = make_article()
    response = post_comment(client, article, name="", body="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写名字。" in html and "请填写评论内容。" in html
    assert "这个字段是必填项" not in html
    assert not Comment.objects.exists()


def test_a_commenters_name_is_a_nickname_and_a_categorys_a_name():
    from articles.models import Category

    with translation.override("zh-hans"):
        assert str(Comment._meta.get_field("name").verbose_name) == "昵称"
        assert str(Category._meta.get_field("name").verbose_name) == "名称"


def test_the_404_page_says_it_naturally():
    html = Client().get("/zh-hans/no-such-page/").content.decode()
    assert "抱歉，找不到这个页面。" in html
