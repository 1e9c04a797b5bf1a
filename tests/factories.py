"""Factories and helpers shared by the tests: small functions, no fixture files."""

import io
import itertools
from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category
from comments.forms import make_token
from comments.models import Comment

_numbers = itertools.count(1)
ORIGIN = "http://testserver"
FORM = "application/x-www-form-urlencoded"  # what a browser sends for the comment form


def make_category(slug=None, zh="分类", en="Category"):
    slug = slug or f"category-{next(_numbers)}"
    return Category.objects.create(slug=slug, name_zh_hans=zh, name_en=en)


def make_article(slug=None, category=None, zh=True, en=True, **fields):
    """A published article in both languages unless told otherwise."""
    n = next(_numbers)
    values = {
        "slug": slug or f"article-{n}",
        "category": category or make_category(),
        "status": Article.Status.PUBLISHED,
        "publish_at": timezone.now() - timedelta(hours=n),
        "title_zh_hans": f"中文标题{n}" if zh else "",
        "body_zh_hans": f"<p>中文正文{n}</p>" if zh else "",
        "title_en": f"English title {n}" if en else "",
        "body_en": f"<p>English body {n}</p>" if en else "",
    }
    values.update(fields)
    return Article.objects.create(**values)


def make_comment(article, status=Comment.Status.PENDING, **fields):
    values = {"name": "Visitor", "body": "A comment", "language": "en", "status": status}
    values.update(fields)
    return Comment.objects.create(article=article, **values)


def approve(comment):
    """Approve as a moderator does (a save, so the page cache hears of it)."""
    comment.status = Comment.Status.APPROVED
    comment.save()


def comment_form(article, **overrides):
    """The fields a browser sends with the comment form; ``None`` leaves a field out."""
    data = {
        "name": "王小明",
        "email": "xiaoming@example.com",
        "body": "写得很好，谢谢分享！",
        "token": make_token(article),
        "website": "",
        "parent": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post_comment(client, article, lang="zh-hans", fields=None, meta=None, **overrides):
    """Post the comment form of ``article``'s page in ``lang``: ``overrides`` change fields,
    ``fields`` replaces them all, ``meta`` adds request headers (``REMOTE_ADDR``)."""
    data = comment_form(article, **overrides) if fields is None else fields
    return client.post(
        f"/{lang}/comments/{article.slug}/",
        urlencode(data, doseq=True),
        content_type=FORM,
        **(meta or {}),
    )


def image_bytes(fmt="JPEG", size=(1200, 800), color=(30, 120, 90), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save_options)
    return buffer.getvalue()


def upload(name="cover.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content or image_bytes(), content_type=content_type)


def make_user(username, group=None, **flags):
    user = User.objects.create_user(username, f"{username}@example.com", "a-long-test-password")
    for name, value in {"is_staff": True, **flags}.items():
        setattr(user, name, value)
    user.save()
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def article_form(category, **overrides):
    """The fields of the admin's article form, as a browser sends them."""
    data = {
        "title_zh_hans": "新文章",
        "title_en": "New article",
        "slug": "new-article",
        "category": str(category.pk),
        "summary_zh_hans": "",
        "summary_en": "",
        "body_zh_hans": "<p>中文正文</p>",
        "body_en": "<p>English body</p>",
        "cover_alt_zh_hans": "封面",
        "cover_alt_en": "Cover",
        "meta_description_zh_hans": "",
        "meta_description_en": "",
        "status": "published",
        "publish_at_0": "2026-01-01",
        "publish_at_1": "08:00:00",
        "comments_open": "on",
        "related_links-TOTAL_FORMS": "0",
        "related_links-INITIAL_FORMS": "0",
        "related_links-MIN_NUM_FORMS": "0",
        "related_links-MAX_NUM_FORMS": "1000",
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def reference_forms(article):
    """The references inline as the change form shows ``article``'s references."""
    references = list(article.references.all())
    data = {
        "references-TOTAL_FORMS": str(len(references)),
        "references-INITIAL_FORMS": str(len(references)),
    }
    fields = ["sort_order", "authors", "year", "doi", "pmid", "url"]
    fields += [
        f"{name}_{code}" for name in ("title", "container", "note") for code in ("zh_hans", "en")
    ]
    for n, reference in enumerate(references):
        data[f"references-{n}-id"] = str(reference.pk)
        data[f"references-{n}-article"] = str(article.pk)
        for field in fields:
            value = getattr(reference, field)
            data[f"references-{n}-{field}"] = "" if value is None else str(value)
    return data


def admin_post_change(client, article, **overrides):
    """Save ``article``'s change form as the admin shows it, with ``overrides``."""
    data = article_form(
        article.category,
        slug=article.slug,
        title_zh_hans=article.title_zh_hans,
        title_en=article.title_en,
        body_zh_hans=article.body_zh_hans,
        body_en=article.body_en,
        cover_alt_zh_hans="",
        cover_alt_en="",
        publish_at_0=timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
        publish_at_1=timezone.localtime(article.publish_at).strftime("%H:%M:%S.%f"),
        **{"related_links-TOTAL_FORMS": "0"},
        **reference_forms(article),
    )
    data.update(overrides)
    response = client.post(f"/admin/articles/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    return article
