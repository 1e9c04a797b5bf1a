"""One archive with the database and every uploaded file; used by ``backup`` and ``restore``.

SQLite is copied with its online backup API (safe while the site runs);
PostgreSQL with ``pg_dump``/``pg_restore``. Media are read and written through
the default storage, so local folders and S3 buckets back up the same way.
"""

import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
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
    subprocess.run(command, env=env, check=True, capture_output=True)  # noqa: S603 (our settings)


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
    """Write the archive to ``path``; return its manifest."""
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
        with tarfile.open(path, "w:gz") as archive:
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


def restore(path):
    """Replace the database and media with the archive's; return its manifest."""
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as tmp:
        manifest = json.load(archive.extractfile(MANIFEST))
        vendor = connection.vendor
        if manifest["database"] != vendor:
            raise ValueError(
                f"the archive holds a {manifest['database']} database; this site runs {vendor}"
            )
        archive.extract(DB_MEMBERS[vendor], tmp, filter="data")
        dump = Path(tmp) / DB_MEMBERS[vendor]
        if vendor == "sqlite":
            connection.ensure_connection()
            source = sqlite3.connect(dump)
            source.backup(connection.connection)
            source.close()
        else:
            connection.close()
            _pg_command("pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
                        f"--dbname={connection.settings_dict['NAME']}", str(dump))  # fmt: skip
        for name in manifest["media"]:
            if default_storage.exists(name):
                default_storage.delete(name)
            member = archive.extractfile(f"media/{name}")
            saved = default_storage.save(name, File(member, name=name))
            if saved != name:
                raise RuntimeError(f"media file {name} was stored as {saved}")
    return manifest
