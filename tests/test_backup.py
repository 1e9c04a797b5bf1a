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
    assert len(manifest["media"]) == 1 + 2 * len(article.cover_renditions["jpg"])

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
