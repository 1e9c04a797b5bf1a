"""Backup and restore: an empty install restored from an archive has the same content."""

import io
import json
import os
import stat
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from articles.models import Article, Category
from comments.models import Comment
from core.backups import DB_MEMBERS

from .factories import image_bytes, make_article, upload
from .live import LiveSite, postgres_database


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backup_then_restore_into_an_empty_install(tmp_path, settings):
    article = make_article(
        slug="kept", cover=upload(content=image_bytes(size=(1000, 600))),
        cover_alt_en="alt", cover_alt_zh_hans="替代文字",
    )  # fmt: skip
    Comment.objects.create(article=article, name="王", body="留言内容", language="zh-hans",
                           status=Comment.Status.APPROVED)  # fmt: skip
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive))
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert article.cover.name in manifest["media"]
    # The original, a JPEG and a WebP per width, and the square preview.
    assert len(manifest["media"]) == 1 + 2 * len(article.cover_renditions["jpg"]) + 1

    drop = None
    if connection.vendor == "postgresql":
        base = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        url, drop = postgres_database(base)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    target = LiveSite(tmp_path / "target", database_url=url).install()
    try:
        target.manage("restore", str(archive))
        out = target.shell(
            "import json\n"
            "from django.core.files.storage import default_storage as s\n"
            "from articles.models import Article\nfrom comments.models import Comment\n"
            "a = Article.objects.get(slug='kept')\n"
            "names = [a.cover.name] + [n for _w, _h, n in a.cover_renditions['jpg']]\n"
            "print(json.dumps([a.title_zh_hans, a.title_en, a.body_en, a.cover.name,"
            " list(Comment.objects.values_list('body', flat=True)),"
            " all(s.exists(n) for n in names), s.size(a.cover.name)]))"
        )
        title_zh, title_en, body_en, cover, comments, files_exist, size = json.loads(
            out.strip().splitlines()[-1]
        )
        assert (title_zh, title_en, body_en) == (
            article.title_zh_hans,
            article.title_en,
            article.body_en,
        )
        assert cover == article.cover.name and comments == ["留言内容"]
        assert files_exist and size == article.cover.size

        # Restoring over content needs --force.
        with pytest.raises(RuntimeError, match="use --force"):
            target.manage("restore", str(archive))
    finally:
        if drop:
            drop()


def _archive(path, members):
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_backups_are_readable_by_their_owner_only(tmp_path):
    archive = tmp_path / "site.tar.gz"
    archive.write_bytes(b"old")
    archive.chmod(0o644)
    call_command("backup", str(archive), stdout=io.StringIO())
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bad_archive_is_refused_in_one_line_and_changes_nothing(tmp_path):
    good = tmp_path / "good.tar.gz"
    make_article(slug="in-archive", cover=upload(), cover_alt_en="a", cover_alt_zh_hans="a")
    call_command("backup", str(good), stdout=io.StringIO())
    Article.objects.all().delete()
    Article.history.all().delete()  # revisions are content too: an empty install has none
    Category.objects.all().delete()
    for name in default_storage.listdir("covers/renditions")[1]:
        default_storage.delete(f"covers/renditions/{name}")
    with tarfile.open(good) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
    manifest = json.loads(members["manifest.json"])

    missing = dict(members)
    del missing[f"media/{manifest['media'][-1]}"]
    unsafe = {
        **members,
        "manifest.json": json.dumps({**manifest, "media": ["../../etc/x"]}).encode(),
    }
    bad_db = {**members, DB_MEMBERS[connection.vendor]: b"not a database at all"}
    cases = {"missing.tar.gz": missing, "unsafe.tar.gz": unsafe, "bad-db.tar.gz": bad_db}
    for name, content in cases.items():
        _archive(tmp_path / name, content)
    (tmp_path / "truncated.tar.gz").write_bytes(good.read_bytes()[:2000])
    (tmp_path / "random.tar.gz").write_bytes(os.urandom(5000))

    for name in [*cases, "truncated.tar.gz", "random.tar.gz", "absent.tar.gz"]:
        with pytest.raises(CommandError) as error:
            call_command("restore", str(tmp_path / name))
        message = str(error.value)
        assert "\n" not in message and message.startswith("Cannot restore"), message
        assert not Article.objects.exists()
        assert default_storage.listdir("covers/renditions")[1] == []


@pytest.mark.live  # its own installs on the local PostgreSQL, once per run
def test_a_postgresql_dump_that_fails_to_load_changes_nothing_and_says_why(tmp_path):
    """A dump that reads (``pg_restore --list``) but does not load here: a view of the target's
    own stands on a table the dump replaces."""
    base = os.environ.get("PG_TEST_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    url, drop = postgres_database(base)
    source = LiveSite(tmp_path / "source", database_url=url).install()
    target_url, drop_target = postgres_database(base)
    target = LiveSite(tmp_path / "target", database_url=target_url).install()
    try:
        source.shell(
            "from tests.factories import make_article, upload\n"
            "make_article(slug='in-archive', cover=upload(), cover_alt_en='a', cover_alt_zh_hans='a')"
        )
        archive = tmp_path / "site.tar.gz"
        source.manage("backup", str(archive))
        target.shell(
            "from django.db import connection\nfrom tests.factories import make_article\n"
            "make_article(slug='kept-here')\n"
            "connection.cursor().execute('CREATE VIEW blocker AS SELECT id FROM articles_article')"
        )
        with pytest.raises(RuntimeError) as error:
            target.manage("restore", "--force", str(archive))
        said = [line for line in str(error.value).splitlines() if "Cannot restore" in line]
        assert len(said) == 1 and "Nothing was changed" in said[0]
        assert "pg_restore could not load its database" in said[0] and "depend" in said[0]
        out = target.shell(
            "import os\nfrom django.conf import settings\nfrom articles.models import Article\n"
            "print(list(Article.objects.values_list('slug', flat=True)),"
            " [f for _r, _d, files in os.walk(settings.MEDIA_ROOT) for f in files])"
        )
        assert out.strip().splitlines()[-1] == "['kept-here'] []"
    finally:
        drop()
        drop_target()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_restored_archive_does_not_send_its_queued_mail_again(tmp_path):
    from django_tasks_db.models import DBTaskResult

    from comments.tasks import notify_moderators

    article = make_article()
    comment = Comment.objects.create(article=article, name="n", body="b", language="en")
    notify_moderators.enqueue(comment.pk)
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    archive = tmp_path / "site.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("restore", "--force", str(archive), stdout=io.StringIO())
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    assert Comment.objects.filter(pk=comment.pk).exists()
