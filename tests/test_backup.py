"""Backup and restore: an empty install restored from an archive has the same content."""

import json
import os
import tarfile

import pytest
from django.core.management import call_command
from django.db import connection

from comments.models import Comment

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
