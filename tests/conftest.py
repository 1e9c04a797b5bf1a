"""Fixtures shared by the tests; factories live in tests/factories.py."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from articles.models import Article, BodyImage, Category, Page, Person, SiteDetails, Term, Topic
from config.settings import CACHES, cache_settings
from core import pagecache
from core.models import PageVersion
from search.models import SearchEntry

from .factories import ORIGIN, make_user


@pytest.fixture(autouse=True)
def _media_and_cache(settings, tmp_path):
    """Uploads go to a fresh folder and the cache starts empty for every test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        name: {**CACHES[name], **cache_settings(name, redis_url="", directory=tmp_path / "cache")}
        for name in ("default", "counters")
    }
    settings.COMMENTS_MIN_SECONDS = 0
    pagecache._known.clear()  # versions this process read belong to the last test's database
    pagecache.copies.pages.clear()  # and so do the pages it kept (their versions restart)


@pytest.fixture
def client(client):
    """The test client, posting from our own pages as a browser says it does."""
    client.defaults["HTTP_ORIGIN"] = ORIGIN
    return client


@pytest.fixture
def admin_in_english(client):
    """The admin answers in English (tests that read the admin in Chinese say so)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def editor(db):
    return make_user("editor", "Editors")


@pytest.fixture
def moderator(db):
    return make_user("moderator", "Moderators")


@pytest.fixture
def superuser(db):
    return make_user("admin", is_superuser=True)


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo, loaded once for a module's tests (each rolls its own changes back), and
    removed after them."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("m")):
        call_command("load_demo", "--no-users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    with django_db_blocker.unblock():
        for model in (
            Article, Category, Person, Page, BodyImage, SiteDetails, Term, Topic, PageVersion,
            SearchEntry,
        ):  # fmt: skip
            model.objects.all().delete()
        Article.history.all().delete()


@pytest.fixture
def demo(demo_content, db):
    pass
