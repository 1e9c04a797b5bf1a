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

from articles.models import Article, Category, Page, Person, RelatedLink

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_USERS = [
    ("admin", None, {"is_superuser": True}),
    ("editor", "Editors", {}),
    ("moderator", "Moderators", {}),
]


def draw_cover(hue, size=(1600, 900)):
    """A calm gradient with a stylised stack of vertebrae, as JPEG bytes."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        light = 0.30 + 0.35 * y / height
        r, g, b = colorsys.hls_to_rgb(hue / 360, light, 0.45)
        draw.line([(0, y), (width, y)], fill=(int(r * 255), int(g * 255), int(b * 255)))
    centre = width // 2
    for index in range(5):
        top = 120 + index * 135
        draw.rounded_rectangle(
            [centre - 150, top, centre + 150, top + 95], radius=30, fill=(245, 240, 230)
        )
        draw.ellipse([centre - 120, top + 100, centre + 120, top + 128], fill=(230, 170, 120))
    draw.line([(centre + 200, 100), (centre + 200, 800)], fill=(245, 240, 230), width=6)
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
                    },
                )[0]
                for item in data["categories"]
            }
            people = {
                item["slug"]: Person.objects.update_or_create(
                    slug=item["slug"],
                    defaults={**localized("name", item["name"]), **localized("bio", item["bio"])},
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
            articles = {
                item["slug"]: self.load_article(item, categories, people)
                for item in data["articles"]
            }
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
            "reviewer": people.get(item.get("reviewer")),
            "reviewed_at": (
                timezone.localdate() - timedelta(days=item["reviewed_days_ago"])
                if "reviewer" in item
                else None
            ),
        }
        article = Article.objects.filter(slug=item["slug"]).first() or Article(slug=item["slug"])
        for name, value in fields.items():
            setattr(article, name, value)
        if not article.cover:
            article.cover = SimpleUploadedFile(
                f"{item['slug']}.jpg", draw_cover(item["hue"]), content_type="image/jpeg"
            )
        article.full_clean()
        article.save()
        article.authors.set([people[slug] for slug in item.get("authors", [])])
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
