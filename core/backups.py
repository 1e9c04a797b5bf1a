"""One archive with the database and every uploaded file; used by ``backup`` and ``restore``.

SQLite is copied with its online backup API (safe while the site runs);
PostgreSQL with ``pg_dump``/``pg_restore``. Media are read and written through
the default storage, so local folders and S3 buckets back up the same way.
Archives hold password hashes, sessions and emails: they are written readable
by their owner only. A restore checks the whole archive before it changes
anything (``RestoreError`` says what is wrong, in one line).
"""

import io
import json
import os
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection
from django.utils import timezone

MANIFEST = "manifest.json"
DB_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


def _pg_command(program, *args):
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    command = [
        program,
        f"--host={settings.get('HOST') or 'localhost'}",
        f"--port={settings.get('PORT') or 5432}",
        f"--username={settings.get('USER') or 'postgres'}",
        *args,
    ]
    subprocess.run(command, env=env, check=True, capture_output=True, text=True)  # noqa: S603 (our settings)


def media_names(directory=""):
    """Every file in the default storage, recursively."""
    directories, files = default_storage.listdir(directory)
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for sub in directories:
        yield from media_names(f"{directory}/{sub}" if directory else sub)


def _media_names_or_none():
    try:
        return sorted(media_names())
    except FileNotFoundError:
        return []


def backup(path):
    """Write the archive to ``path`` (mode 0600); return its manifest."""
    vendor = connection.vendor
    if vendor not in DB_MEMBERS:
        raise ValueError(f"no backup method for {vendor}")
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / DB_MEMBERS[vendor]
        if vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(dump)
            connection.connection.backup(target)
            target.close()
        else:
            _pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                        f"--file={dump}", connection.settings_dict["NAME"])  # fmt: skip
        media = _media_names_or_none()
        manifest = {"created": timezone.now().isoformat(), "database": vendor, "media": media}
        descriptor = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR
        )
        os.fchmod(descriptor, stat.S_IRUSR | stat.S_IWUSR)  # also when the file existed
        with (
            os.fdopen(descriptor, "wb") as file,
            tarfile.open(fileobj=file, mode="w:gz") as archive,
        ):
            archive.add(dump, arcname=DB_MEMBERS[vendor])
            for name in media:
                with default_storage.open(name) as stored:
                    data = stored.read()
                info = tarfile.TarInfo(f"media/{name}")
                info.size = len(data)
                archive.addfile(info, io.BytesIO(data))
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return manifest


class RestoreError(Exception):
    """The archive cannot be restored; nothing was changed."""


# What a damaged archive raises while it is read.
ARCHIVE_ERRORS = (tarfile.TarError, EOFError, zlib.error, OSError, json.JSONDecodeError,
                  UnicodeDecodeError, KeyError, TypeError)  # fmt: skip


def _safe_media_name(name):
    path = Path(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def _stage(path, tmp):
    """Check the whole archive and unpack it into ``tmp``; return its manifest."""
    vendor = connection.vendor
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {member.name: member for member in archive.getmembers()}
            if MANIFEST not in members:
                raise RestoreError("it has no manifest.json: not an archive written by backup")
            manifest = json.load(archive.extractfile(MANIFEST))
            if not isinstance(manifest, dict) or not isinstance(manifest.get("media"), list):
                raise RestoreError("its manifest.json is not one backup writes")
            if manifest.get("database") != vendor:
                raise RestoreError(
                    f"it holds a {manifest.get('database')} database; this site runs {vendor}"
                )
            wanted = [DB_MEMBERS[vendor], *(f"media/{name}" for name in manifest["media"])]
            for name in manifest["media"]:
                if not isinstance(name, str) or not _safe_media_name(name):
                    raise RestoreError(f"it names an unsafe media path: {name!r}")
            for name in wanted:
                if name not in members or not members[name].isfile():
                    raise RestoreError(f"{name} is missing from it")
            archive.extractall(tmp, members=[members[name] for name in wanted], filter="data")
    except RestoreError:
        raise
    except ARCHIVE_ERRORS as error:
        raise RestoreError(f"it is damaged or not a backup archive ({type(error).__name__})")
    dump = Path(tmp) / DB_MEMBERS[vendor]
    try:
        if vendor == "sqlite":
            with closing(sqlite3.connect(dump)) as staged:
                if staged.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                    raise RestoreError("its database fails SQLite's integrity check")
                staged.execute("SELECT 1 FROM django_migrations LIMIT 1")
        else:
            subprocess.run(["pg_restore", "--list", str(dump)], check=True, capture_output=True)  # noqa: S603, S607
    except (sqlite3.DatabaseError, subprocess.CalledProcessError):
        raise RestoreError("its database is damaged or is not this site's")
    return manifest


def restore(path):
    """Replace the database and media with the archive's; return its manifest.

    The archive is checked and unpacked first. Media the install lacks are added (the site
    shows none of them until its database names them); the database is then replaced in
    one step (SQLite's backup API; ``pg_restore --single-transaction``); only then are
    files the install already had overwritten with the archive's. When the database step
    fails, the added files are removed again: nothing changes, and ``RestoreError`` says
    why. Tasks still queued in the archive (moderator mail sent before the backup was
    taken, or that would be sent twice) are dropped.
    """
    with tempfile.TemporaryDirectory() as tmp:
        manifest = _stage(path, tmp)
        staged = Path(tmp) / "media"
        existing = [name for name in manifest["media"] if default_storage.exists(name)]
        added = []
        try:
            for name in manifest["media"]:
                if name not in existing:
                    _store(name, staged / name)
                    added.append(name)
            _load_database(Path(tmp) / DB_MEMBERS[connection.vendor])
        except Exception:
            for name in added:
                default_storage.delete(name)
            raise
        for name in existing:
            default_storage.delete(name)
            _store(name, staged / name)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).delete()
    return manifest


def _store(name, staged):
    with open(staged, "rb") as file:
        saved = default_storage.save(name, File(file, name=name))
    if saved != name:
        raise RestoreError(f"media file {name} was stored as {saved}")


def _load_database(dump):
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with closing(sqlite3.connect(dump)) as source:
            source.backup(connection.connection)
        return
    connection.close()
    try:
        _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                    "--exit-on-error", "--single-transaction",
                    f"--dbname={connection.settings_dict['NAME']}", str(dump))  # fmt: skip
    except subprocess.CalledProcessError as error:
        said = [line.strip() for line in error.stderr.splitlines() if "error" in line.lower()]
        raise RestoreError(f"pg_restore could not load its database ({said[0] if said else error})")
