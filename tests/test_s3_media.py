"""Covers and their renditions in an S3-compatible store (a local moto server)."""

import json
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest

from .factories import make_article, upload
from .live import free_port

pytestmark = pytest.mark.django_db

BUCKET = "site-media"


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def s3_media(settings, s3_endpoint, monkeypatch):
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    # Covers are public: the bucket lets anyone read, as a production bucket for them would.
    public_read = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
    }  # fmt: skip
    s3.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(public_read))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage"},
    }
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_S3_ENDPOINT_URL = s3_endpoint
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_QUERYSTRING_AUTH = False
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    yield s3_endpoint  # changing STORAGES resets default_storage (django.test.signals)


def test_cover_and_renditions_are_stored_and_served_from_s3(client, s3_media):
    article = make_article(cover=upload(), cover_alt_en="alt", cover_alt_zh_hans="替代")
    s3 = boto3.client("s3", endpoint_url=s3_media, region_name="us-east-1")
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert article.cover.name in keys
    for ext in ("webp", "jpg"):
        for _w, _h, name in article.cover_renditions[ext]:
            assert name in keys

    page = client.get(f"/en/articles/{article.slug}/").content.decode()
    webp = article.cover_renditions["webp"][0][2]
    url = f"{s3_media}/{BUCKET}/{webp}"
    assert url in page
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"] == "image/webp"
        assert "max-age=31536000" in response.headers["Cache-Control"]
        assert response.read(4) == b"RIFF"
