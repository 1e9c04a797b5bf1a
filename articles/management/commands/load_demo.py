"""Load the demo articles, categories, covers and (in DEBUG or with --force) demo users.

Running it again updates the same rows: it never duplicates anything.
"""

import colorsys
import io
import json
import secrets
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from modeltranslation.utils import build_localized_fieldname
from PIL import Image, ImageDraw

from articles.models import (
    Article,
    Category,
    Page,
    Person,
    Reference,
    RelatedLink,
    SiteDetails,
    Term,
    Topic,
)

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_USERS = [
    ("admin", None, {"is_superuser": True}),
    ("editor", "Editors", {}),
    ("moderator", "Moderators", {}),
    ("reviewer", "Reviewers", {}),  # signs off as the demo's medical reviewer
    ("translator", "Translators", {}),  # sees only the translation work given to them
]


CREAM, ACCENT = (245, 240, 230), (230, 170, 120)
COVER_CREDIT = {"zh-hans": "插图：脊柱健康笔记", "en": "Illustration: Spine Health Notes"}


def _cells(draw, w, h):  # stem cells: round cells, one dividing
    for x, y, r in [(560, 330, 120), (860, 300, 90), (760, 560, 140), (1060, 560, 80)]:
        draw.ellipse([x - r, y - r, x + r, y + r], outline=CREAM, width=10)
        draw.ellipse([x - r // 3, y - r // 3, x + r // 3, y + r // 3], fill=ACCENT)


def _scan(draw, w, h):  # MRI: a scanner ring and the slices it takes
    draw.ellipse([500, 170, 1100, 770], outline=CREAM, width=40)
    for i in range(5):
        draw.rounded_rectangle([700, 300 + i * 70, 900, 350 + i * 70], radius=18, fill=CREAM)


def _clinic(draw, w, h):  # a clinic door with a cross
    draw.rounded_rectangle([620, 180, 980, 800], radius=20, outline=CREAM, width=14)
    draw.rectangle([770, 300, 830, 500], fill=ACCENT)
    draw.rectangle([700, 370, 900, 430], fill=ACCENT)
    draw.ellipse([900, 500, 930, 530], fill=CREAM)


def _plank(draw, w, h):  # core exercise: a body held straight in a plank
    draw.ellipse([1140, 360, 1240, 460], fill=CREAM)
    draw.line([(1150, 440), (520, 560)], fill=CREAM, width=44)
    draw.line([(1100, 450), (1100, 640)], fill=ACCENT, width=30)
    draw.line([(430, 650), (1300, 650)], fill=CREAM, width=8)


def _desk(draw, w, h):  # sitting at a desk: chair, desk, screen
    draw.rectangle([820, 470, 1240, 500], fill=CREAM)
    draw.rectangle([1180, 500, 1210, 720], fill=CREAM)
    draw.rounded_rectangle([960, 300, 1140, 420], radius=10, outline=CREAM, width=12)
    draw.rectangle([1040, 420, 1060, 470], fill=CREAM)
    draw.rectangle([430, 530, 700, 560], fill=ACCENT)
    draw.rectangle([430, 330, 460, 560], fill=ACCENT)
    draw.line([(480, 560), (480, 720)], fill=ACCENT, width=20)
    draw.line([(660, 560), (660, 720)], fill=ACCENT, width=20)


def _box(draw, w, h):  # lifting: a box held close, knees bent
    draw.rounded_rectangle([640, 380, 960, 640], radius=16, fill=CREAM)
    draw.line([(640, 470), (960, 470)], fill=ACCENT, width=16)
    draw.line([(560, 760), (1040, 760)], fill=CREAM, width=8)
    draw.arc([520, 560, 700, 760], 180, 270, fill=ACCENT, width=24)
    draw.arc([900, 560, 1080, 760], 270, 360, fill=ACCENT, width=24)


def _bed(draw, w, h):  # sleep: a bed, a pillow, the moon
    draw.rounded_rectangle([420, 560, 1180, 640], radius=20, fill=CREAM)
    draw.rectangle([420, 480, 450, 720], fill=CREAM)
    draw.rounded_rectangle([470, 500, 640, 560], radius=30, fill=ACCENT)
    draw.ellipse([1080, 150, 1260, 330], fill=CREAM)


def _hands(draw, w, h):  # tuina massage: two palms on a back
    draw.rounded_rectangle([560, 600, 1040, 700], radius=50, fill=CREAM)
    for x in (640, 860):
        draw.rounded_rectangle([x, 300, x + 120, 560], radius=55, fill=ACCENT)
        for f in range(4):
            draw.rounded_rectangle(
                [x + 4 + f * 29, 220, x + 26 + f * 29, 330], radius=11, fill=ACCENT
            )


def _stretch(draw, w, h):  # physiotherapy: an exercise band and a gentle arc
    draw.arc([420, 220, 1180, 980], 200, 340, fill=CREAM, width=30)
    draw.ellipse([560, 600, 640, 680], fill=ACCENT)
    draw.ellipse([960, 600, 1040, 680], fill=ACCENT)
    draw.line([(600, 640), (1000, 640)], fill=CREAM, width=10)


MOTIFS = {
    "cells": _cells,
    "scan": _scan,
    "clinic": _clinic,
    "plank": _plank,
    "desk": _desk,
    "box": _box,
    "bed": _bed,
    "hands": _hands,
    "stretch": _stretch,
}


def draw_cover(hue, motif, size=(1600, 900)):
    """A calm gradient in ``hue`` with a simple drawing of the article's topic, as JPEG."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        light = 0.30 + 0.35 * y / height
        r, g, b = colorsys.hls_to_rgb(hue / 360, light, 0.45)
        draw.line([(0, y), (width, y)], fill=(int(r * 255), int(g * 255), int(b * 255)))
    MOTIFS[motif](draw, width, height)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def localized(field, values):
    return {
        build_localized_fieldname(field, code): values.get(code, "")
        for code, _ in settings.LANGUAGES
    }


class Command(BaseCommand):
    help = "Load demo content (idempotent). Demo users only with DEBUG on or --force."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="create demo users even with DEBUG off"
        )
        parser.add_argument("--no-users", action="store_true", help="do not create demo users")

    def handle(self, *args, force=False, no_users=False, **options):
        data = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))
        with transaction.atomic():
            categories = {
                item["slug"]: Category.objects.update_or_create(
                    slug=item["slug"],
                    defaults={
                        **localized("name", item["name"]),
                        **localized("description", item.get("description", {})),
                        "needs_sign_off": item.get("needs_sign_off", False),
                    },
                )[0]
                for item in data["categories"]
            }
            people = {
                item["slug"]: Person.objects.update_or_create(
                    slug=item["slug"],
                    defaults={
                        name: value
                        for field in ("name", "bio", "job_title", "credentials", "institution")
                        for name, value in localized(field, item.get(field, {})).items()
                    },
                )[0]
                for item in data["people"]
            }
            for item in data["pages"]:
                page = Page.objects.filter(slug=item["slug"]).first() or Page(slug=item["slug"])
                for name, value in {
                    **localized("title", item["title"]),
                    **localized("body", item["body"]),
                }.items():
                    setattr(page, name, value)
                page.full_clean()
                page.save()
            for item in data["glossary"]:
                Term.objects.update_or_create(
                    slug=item["slug"],
                    defaults={
                        name: value
                        for field in ("name", "synonyms", "avoid", "definition")
                        for name, value in localized(field, item.get(field, {})).items()
                    },
                )
            details = SiteDetails.current()
            details.contact_email = data["site"]["contact_email"]
            details.save()
            articles = {
                item["slug"]: self.load_article(item, categories, people)
                for item in data["articles"]
            }
            topics = {}
            for item in data["topics"]:
                topics[item["slug"]] = Topic.objects.update_or_create(
                    slug=item["slug"],
                    defaults={
                        "lead": articles.get(item.get("lead")),
                        **localized("name", item["name"]),
                        **localized("description", item.get("description", {})),
                        **localized("cover_alt", item["cover_alt"]),
                    },
                )[0]
                self.draw(topics[item["slug"]], item, save=True)
            terms = {term.slug: term for term in Term.objects.all()}
            for item in data["articles"]:
                article = articles[item["slug"]]
                article.topics.set([topics[s] for s in item.get("topics", [])])
                article.linked_terms.set([terms[s] for s in item.get("linked_terms", [])])
                Article.objects.filter(pk=article.pk).update(
                    main_topic=topics.get(item.get("main_topic"))
                )
            for item in data["articles"]:
                article = articles[item["slug"]]
                article.related_links.all().delete()
                RelatedLink.objects.bulk_create(
                    RelatedLink(from_article=article, to_article=articles[slug], sort_order=order)
                    for order, slug in enumerate(item.get("related", []))
                )
        self.stdout.write(f"Loaded {len(categories)} categories and {len(articles)} articles.")

        if no_users:
            return
        if not (settings.DEBUG or force):
            self.stdout.write("Demo users are created only with DEBUG on or --force.")
            return
        self.create_users()

    @staticmethod
    def draw(obj, item, save=False):
        """Give ``obj`` (an article or a topic) its drawn cover, unless it has it. The motif
        is in the file's name: a cover drawn with another motif is drawn again."""
        if f"--{item['motif']}" not in obj.cover.name:
            obj.cover = SimpleUploadedFile(
                f"{item['slug']}--{item['motif']}.jpg",
                draw_cover(item["hue"], item["motif"]),
                content_type="image/jpeg",
            )
            if save:
                obj.save()

    def load_article(self, item, categories, people):
        bodies = dict(item.get("body", {}))
        for code, filename in item.get("body_files", {}).items():
            bodies[code] = (DEMO_DIR / filename).read_text(encoding="utf-8")
        fields = {
            "category": categories[item["category"]],
            "status": Article.Status.PUBLISHED,
            "publish_at": timezone.now() - timedelta(days=item["days_ago"]),
            **localized("title", item["title"]),
            **localized("summary", item["summary"]),
            **localized("body", bodies),
            **localized("cover_alt", item["cover_alt"]),
            # The demo's covers are drawn by this command (draw_cover).
            **localized("cover_credit", COVER_CREDIT),
            "reviewer": people.get(item.get("reviewer")),
            "original_title": item.get("original_title", ""),
            "translator": people.get(item.get("translator")),
            "translation_checker": people.get(item.get("translation_checker")),
            "reviewed_at": (
                timezone.localdate() - timedelta(days=item["reviewed_days_ago"])
                if "reviewer" in item
                else None
            ),
        }
        article = Article.objects.filter(slug=item["slug"]).first() or Article(slug=item["slug"])
        for name, value in fields.items():
            setattr(article, name, value)
        self.draw(article, item)
        article.full_clean()
        article.save()
        # Written when it was published (or now, for one still to come): the demo's texts
        # have not changed since.
        written = min(article.publish_at, timezone.now())
        Article.objects.filter(pk=article.pk).update(
            **{
                Article.status_field(prefix, code): written
                for prefix in ("changed", "synced")
                for code, _name in settings.LANGUAGES
            }
        )
        article.authors.set([people[slug] for slug in item.get("authors", [])])
        article.references.all().delete()
        for order, entry in enumerate(item.get("references", [])):
            reference = Reference(
                article=article, sort_order=order, authors=entry.get("authors", "")
            )
            for field in ("title", "container", "note"):
                for name, value in localized(field, entry.get(field, {})).items():
                    setattr(reference, name, value)
            reference.full_clean()
            reference.save()
        return article

    def create_users(self):
        User = get_user_model()
        self.stdout.write("Demo logins for /admin/ (passwords are new on every run):")
        for username, group_name, flags in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.is_staff = True
            for flag, value in flags.items():
                setattr(user, flag, value)
            user.save()
            if group_name:
                group = Group.objects.filter(name=group_name).first()
                if group:
                    user.groups.add(group)
            self.stdout.write(f"  {username:<10} {password}")
        data = json.loads((DEMO_DIR / "articles.json").read_text(encoding="utf-8"))
        for item in data["people"]:
            if "demo_user" in item:
                Person.objects.filter(slug=item["slug"]).update(
                    user=User.objects.get(username=item["demo_user"])
                )
