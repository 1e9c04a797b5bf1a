"""The project's own promises: translations complete, demo content faithful, deploy checks clean."""

import os
import re
import shutil
import subprocess
import sys
from difflib import SequenceMatcher
from html import unescape
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Category

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "articles" / "demo"


def test_every_ui_string_has_a_chinese_translation(tmp_path):
    """Extract the strings again from the code and check none is missing or fuzzy."""
    for name in [
        "manage.py",
        "config",
        "core",
        "articles",
        "comments",
        "search",
        "exchange",
        "templates",
        "static",
        "locale",
    ]:
        source = ROOT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, tmp_path / name)
    env = {**os.environ, "DJANGO_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    for domain in ["django", "djangojs"]:  # templates and Python; the admin's scripts
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-d", domain, "-l", "zh_Hans",
             "--no-obsolete", "--ignore=static/vendor", "-v", "0"],
            cwd=tmp_path, env=env, check=True,
        )  # fmt: skip
        po = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / f"{domain}.po"
        stats = subprocess.run(
            ["msgfmt", "--statistics", "-o", os.devnull, str(po)], capture_output=True, text=True
        ).stderr
        assert "untranslated" not in stats and "fuzzy" not in stats, (domain, stats)
        assert re.match(r"\d+ translated messages", stats)


NOTE = '<blockquote class="editor-note">'


def _blocks(name):
    """The body's blocks (one per line in the demo files), and which are editor's notes."""
    lines = (DEMO / name).read_text(encoding="utf-8").splitlines()
    return [unescape(re.sub(r"<[^>]+>", "", line)) for line in lines], [
        line.startswith(NOTE) for line in lines
    ]


def test_seed_article_english_is_the_shared_text_block_by_block():
    """The English follows the source paragraph by paragraph; it differs only where it
    names the condition by its title, cites, or says a claim is the source's."""
    source = (DEMO / "stem-cell-therapy.source.txt").read_text(encoding="utf-8").splitlines()
    expected = [line for line in source[1:] if line not in ("相关文章", "发表评论")]
    blocks, is_note = _blocks("stem-cell-therapy.en.html")
    text = [block for block, note in zip(blocks, is_note, strict=True) if not note]
    assert len(text) == len(expected)
    words = lambda s: s.replace("’", "").replace("'", "").split()  # noqa: E731
    for ours, theirs in zip(text, expected, strict=True):
        same = SequenceMatcher(None, words(ours), words(theirs), autojunk=False).ratio()
        assert same > 0.7, ours
    assert text[0] == "Introduction" and text[-3] == "Conclusion"
    assert sum(is_note) == 4
    zh_blocks, zh_is_note = _blocks("stem-cell-therapy.zh-hans.html")
    # The same blocks in the same order, each note where the English has one, and one more:
    # the Chinese says the source's "insurance" is not China's 医保.
    insurance = next(i for i, block in enumerate(zh_blocks) if "医保" in block)
    assert zh_is_note[insurance]
    assert zh_is_note[:insurance] + zh_is_note[insurance + 1 :] == is_note


def test_seed_article_chinese_names_the_disease_as_its_title_does():
    blocks, is_note = _blocks("stem-cell-therapy.zh-hans.html")
    zh = "\n".join(blocks)
    body = "\n".join(b for b, note in zip(blocks, is_note, strict=True) if not note)
    assert "腰痛" not in body  # a symptom, not the disease of the title (干细胞治疗腰突)
    assert "腰突" in body and "腰椎间盘突出症" in body
    html = (DEMO / "stem-cell-therapy.zh-hans.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert sum("腰突" in h for h in headings) >= 3 and not any("疗法治疗" in h for h in headings)
    assert "医保" in zh and "26 名" in zh and "16 名" in zh
    for stiff in ["二十六名", "十六名", "被追踪随访", "使人衰弱", "充满希望的未来之路"]:
        assert stiff not in zh
    assert "临床研究阶段" in zh  # the editor's note on "safe and effective"


@pytest.mark.django_db
def test_load_demo_is_idempotent(settings):
    settings.DEBUG = False
    call_command("load_demo")
    call_command("load_demo")
    assert Category.objects.count() == 3
    assert Article.objects.count() == 9
    seed = Article.objects.get(slug="stem-cell-therapy-for-lumbar-disc-herniation")
    assert seed.title_zh_hans == "干细胞治疗腰突"
    assert seed.related_links.count() >= 6
    assert Article.objects.published().available_in("en").count() == 7
    assert Article.objects.published().available_in("zh-hans").count() == 8
    from django.contrib.auth.models import User

    assert not User.objects.exists()  # no demo users without DEBUG or --force


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_settings():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY="x" * 20 + "-production-like-secret-key-with-enough-entropy-1234567890",
        DJANGO_ALLOWED_HOSTS="example.org",
        DJANGO_SITE_URL="https://example.org",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_a_worker_starts_without_what_only_editors_need():
    """Readers' workers stay small: Pillow loads with an upload, the exchange's parsers
    (lxml) with its admin views or an article's save; neither when a worker starts."""
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup(); import config.urls, config.wsgi;"
        "print(sorted(m for m in ('lxml', 'exchange.transfer', 'PIL') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "tests.settings"},
    ).stdout  # fmt: skip
    assert out.strip().endswith("[]"), out
