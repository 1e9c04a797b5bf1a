"""Factories and users shared by the tests: small functions, no fixtures files."""

import io
import itertools
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Category

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Uploads go to a fresh folder and the cache starts empty for every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.COMMENTS_MIN_SECONDS = 0


@pytest.fixture
def client(client):
    """The test client, posting from our own pages as a browser says it does."""
    client.defaults["HTTP_ORIGIN"] = "http://testserver"
    return client


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


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def moderator(db):
    return make_user("moderator", "Moderators")


@pytest.fixture
def superuser(db):
    return make_user("admin", is_superuser=True)
