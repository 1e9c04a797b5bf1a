"""Categories, people, pages, articles and the curated links between articles."""

import html
import json
import re
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, FieldError, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import connection, connections, models
from django.db.models import F, Min, Q
from django.db.models.constants import LOOKUP_SEP
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

from core import languages
from core.languages import language_codes
from core.pagecache import VersionedQuerySet

from . import images, richtext

REVIEW_SALT = "articles.review"


class Category(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on its page.")
    )
    needs_sign_off = models.BooleanField(
        _("needs a medical sign-off"),
        default=False,
        help_text=_("Its articles are published only once a medical reviewer has signed them off."),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("articles:category", args=[self.slug])


class Topic(models.Model):
    """A 专题: articles on one subject across categories (腰突, 康复训练); an article may be
    in several."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(
        _("description"), blank=True, help_text=_("One or two sentences shown on its page.")
    )
    lead = models.ForeignKey(
        "Article",
        verbose_name=_("lead article"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Shown first on the topic's page."),
    )
    cover = images.image_field(_("cover image"), "topics/", "cover")
    cover_width, cover_height, cover_renditions = images.size_fields()
    cover_alt = models.CharField(
        _("cover alt text"),
        max_length=200,
        blank=True,
        help_text=_("Describes the cover image for people who cannot see it."),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("articles:topic", args=[self.slug])

    @cached_property
    def picture(self):
        return images.picture_sources(self.cover_renditions)

    def clean(self):
        super().clean()
        missing = {
            field: _("Describe the cover image in every language the topic is named in.")
            for code in language_codes()
            for field in [build_localized_fieldname("cover_alt", code)]
            if self.cover
            and getattr(self, build_localized_fieldname("name", code), "")
            and not getattr(self, field, "")
        }
        if missing:
            raise ValidationError(missing)

    def save(self, *args, **kwargs):
        images.keep_renditions(self, "cover")
        super().save(*args, **kwargs)


class Person(models.Model):
    """An author or a medical reviewer of articles."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    bio = models.TextField(_("short bio"), blank=True)
    # Shown after a reviewer's name: 周敏（骨科主治医师，医学博士，某三甲医院骨科）.
    job_title = models.CharField(
        _("job title"), max_length=100, blank=True, help_text=_("For example: orthopaedic surgeon.")
    )
    credentials = models.CharField(
        _("credentials"), max_length=100, blank=True, help_text=_("Degrees and licences: MD.")
    )
    institution = models.CharField(
        _("institution"), max_length=150, blank=True, help_text=_("Where they practise.")
    )
    photo = images.image_field(_("photo"), "people/", "photo")
    photo_width, photo_height, photo_renditions = images.size_fields()
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        help_text=_("A medical reviewer with an account signs off in the admin as this person."),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        titles = [getattr(self, build_localized_fieldname("name", c)) for c in language_codes()]
        return self.name or next(filter(None, titles), self.slug)

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])

    @property
    def qualifications(self):
        """Job title, credentials and institution in the active language, those given, as
        one phrase (骨科主治医师，医学博士 / Orthopaedic surgeon, MD)."""
        given = [value for value in (self.job_title, self.credentials, self.institution) if value]
        return pgettext("between qualifications", ", ").join(given)

    @cached_property
    def picture(self):
        return images.picture_sources(self.photo_renditions)

    def save(self, *args, **kwargs):
        images.keep_renditions(self, "photo")
        super().save(*args, **kwargs)


class Page(models.Model):
    """A page of the site beside the articles, such as About, edited in admin."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = ProseEditorField(
        _("body"), blank=True, extensions=richtext.EDITOR_EXTENSIONS, sanitize=richtext.sanitize
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("page")
        verbose_name_plural = _("pages")

    def __str__(self):
        return self.title or self.slug

    def get_absolute_url(self):
        return reverse("articles:page", args=[self.slug])

    def clean(self):
        super().clean()
        errors = {}
        for code in language_codes():
            field = build_localized_fieldname("body", code)
            errors.update(
                BodyImage.check_body(field, richtext.sanitize(getattr(self, field) or ""), code)
            )
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        for code in language_codes():
            field = build_localized_fieldname("body", code)
            setattr(self, field, BodyImage.stored_body(getattr(self, field), code))
        super().save(*args, **kwargs)


class SiteDetails(models.Model):
    """What the footer says about the publisher, one row edited in the admin."""

    contact_email = models.EmailField(_("contact email"), blank=True)
    icp_number = models.CharField(
        _("ICP licence number"),
        max_length=50,
        blank=True,
        help_text=_(
            "The 备案号 a site hosted in mainland China shows in its footer, such as "
            "京ICP备12345678号-1. Leave it empty elsewhere."
        ),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("site details")
        verbose_name_plural = _("site details")

    def __str__(self):
        return str(_("Site details"))

    @classmethod
    def current(cls):
        """The one row (an empty one before an editor saves it)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)


class BodyImage(models.Model):
    """An image for article and page bodies, uploaded through the cover pipeline
    (checked, metadata stripped, renditions), with alt text and caption per language.

    A body refers to it as ``<img data-file="<pk>">``; on every save the body's images are
    rewritten to ``img_tag`` (``stored_body``), and an image that is none of these is removed.
    """

    file = models.ImageField(
        _("image"),
        upload_to="images/",
        validators=[images.validate_cover],
        width_field="width",
        height_field="height",
        help_text=_("JPEG, PNG or WebP, at most 10 MB."),
    )
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)
    alt = models.CharField(
        _("alt text"),
        max_length=250,
        blank=True,  # required in every language by clean()
        help_text=_("Describes the image for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    credit = models.CharField(
        _("credit and licence"),
        max_length=200,
        blank=True,
        help_text=_("Shown under the image: who made it and its licence."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    # The body column is at most 46rem wide.
    SIZES = "(min-width: 48rem) 46rem, 100vw"
    _IMG = re.compile(r"<img\b[^>]*>")
    _ID = re.compile(r"[1-9][0-9]{0,17}")
    _ATTR = re.compile(r'([\w-]+)="([^"]*)"')
    _BARE_FIGURE = re.compile(r"<figure>(?:\s|<figcaption>.*?</figcaption>)*</figure>", re.S)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("image in articles")
        verbose_name_plural = _("images in articles")

    def __str__(self):
        return self.alt or self.file.name.rsplit("/", 1)[-1]

    def clean(self):
        super().clean()
        # In at least one language here; in each language of a body that shows it, there
        # (``check_body``): a Chinese-only editor is not asked for English.
        fields = [build_localized_fieldname("alt", code) for code in language_codes()]
        if not any(getattr(self, field, "") for field in fields):
            raise ValidationError(_("Describe the image in at least one language."))

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.renditions = images.store_upload(self.file)
        super().save(*args, **kwargs)

    @cached_property
    def sources(self):
        return images.picture_sources(self.renditions)

    @property
    def url(self):
        """The largest JPEG rendition: what the editor shows and the ``src`` of the page."""
        return self.sources["src"]

    def in_language(self, language, field):
        return getattr(self, build_localized_fieldname(field, language)) or ""

    def img_tag(self, alt):
        sources = self.sources
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"'
            ' loading="lazy" decoding="async" data-file="{}">',
            sources["src"], sources["webp_srcset"], self.SIZES, sources["width"],
            sources["height"], alt, self.pk,
        )  # fmt: skip

    @classmethod
    def _images(cls, body):
        """Each ``<img>`` of a sanitized body: ``(tag, attributes, BodyImage or None)``."""
        tags = [(tag, dict(cls._ATTR.findall(tag))) for tag in cls._IMG.findall(body)]
        ids = [cls._id(attrs) for _tag, attrs in tags]
        found = cls.objects.in_bulk(set(filter(None, ids))) if any(ids) else {}
        return [(tag, attrs, found.get(pk)) for (tag, attrs), pk in zip(tags, ids, strict=True)]

    @classmethod
    def _id(cls, attrs):
        """The image's id from ``data-file``: ASCII digits the database can hold, else None."""
        value = attrs.get("data-file", "")
        return int(value) if cls._ID.fullmatch(value) else None

    @classmethod
    def check_body(cls, field, body, language):
        """A form error for ``field`` when an image in its sanitized ``body`` is no uploaded
        image (pasted, or deleted since: saving would remove it), or has no alt text in
        ``language``, the body's."""
        found = cls._images(body)
        if any(image is None for _t, _a, image in found):
            return {
                field: _(
                    "Insert images with the image button's “Browse…”: an image that was not "
                    "uploaded there (pasted, or deleted since) cannot be shown."
                )
            }
        unnamed = [
            image for _tag, attrs, image in found
            if not attrs.get("alt") and not image.in_language(language, "alt")
        ]  # fmt: skip
        if unnamed:
            return {
                field: _(
                    "Describe each image in %(language)s: give “%(image)s” alt text in "
                    "%(language)s under Images in articles."
                )
                % {"language": languages.language_name(language), "image": unnamed[0]}
            }
        return {}

    @classmethod
    def credited(cls, body, language):
        """``body`` with each uploaded image's credit and licence under it, in ``language``
        (read when the page is rendered, so that a credit edited later shows everywhere)."""
        if "<img" not in body:
            return body
        credits = {
            tag: image.in_language(language, "credit")
            for tag, _attrs, image in cls._images(body)
            if image is not None
        }
        return cls._IMG.sub(
            lambda match: match.group(0)
            + (format_html('<small class="image-credit">{}</small>', credit)
               if (credit := credits.get(match.group(0))) else ""),
            body,
        )  # fmt: skip

    @classmethod
    def stored_body(cls, markup, language):
        """``markup`` as a body is stored: sanitized, every image written as its ``img_tag``
        with the editor's alt text or the image's own in ``language``. Images that are not
        uploaded ones are removed, and a figure left without an image with them."""
        body = richtext.sanitize(markup or "")
        if "<img" not in body:
            return body
        tags = {}
        for tag, attrs, image in cls._images(body):
            alt = html.unescape(attrs.get("alt", "")) or (
                image.in_language(language, "alt") if image else ""
            )
            tags[tag] = image.img_tag(alt) if image and image.renditions else ""
        body = cls._IMG.sub(lambda match: tags[match.group(0)], body)
        return cls._BARE_FIGURE.sub("", body)


class ArticleQuerySet(VersionedQuerySet):
    def published(self, at=None):
        """The one visibility rule: published, and the publication time has come (by ``at``,
        default now). Every page, feed, sitemap and SQL restatement is built on it."""
        return self.filter(status=Article.Status.PUBLISHED, publish_at__lte=at or timezone.now())

    def available_in(self, language):
        """Articles with a title and a body in ``language`` (see ``Article.is_available_in``)."""
        return self.filter(**{build_localized_fieldname("available", language): True})

    def missing_in(self, language):
        return self.filter(**{build_localized_fieldname("available", language): False})

    def stale_in(self, language):
        """Written in ``language`` and in the other, which changed since (see
        ``Article.translation_status``)."""
        other = Article.other_language(language)
        changed, synced = (
            Article.status_field("changed", other),
            Article.status_field("synced", language),
        )
        return (
            self.available_in(language)
            .available_in(other)
            .filter(Q(**{f"{synced}__isnull": True}) | Q(**{f"{changed}__gt": F(synced)}))
            .exclude(**{f"{changed}__isnull": True})
        )

    def next_visibility_change(self):
        """The next moment ``published()`` will hold more articles than now, or None."""
        now = timezone.now()
        waiting = self.published(at=datetime.max.replace(tzinfo=UTC)).exclude(
            pk__in=self.published(at=now).values("pk")
        )
        return waiting.aggregate(next=Min("publish_at"))["next"]


def visible_sql(language, using="default"):
    """``published().available_in(language)`` as a SQL condition on the articles table, with
    its parameters: compiled from the queryset, for the queries the article page writes in
    SQL, so that it says what the rule says. Compiled once per language (bench/README.md),
    with the time as a parameter filled in at each call."""
    sql, params, when = _visible_sql(language, using)
    params = list(params)
    params[when] = connections[using].ops.adapt_datetimefield_value(timezone.now())
    return sql, params


_SOME_TIME = datetime(2000, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=16)
def _visible_sql(language, using):
    query = ArticleQuerySet(Article).published(at=_SOME_TIME).available_in(language).query
    sql, params = query.get_compiler(using=using).compile(query.where)
    when = params.index(connections[using].ops.adapt_datetimefield_value(_SOME_TIME))
    return sql, tuple(params), when


def detail_url_pattern(language, name="articles:detail"):
    """The URL named ``name`` (an article's by default) in ``language`` with ``{}`` for the
    slug: one ``reverse()`` for a list, remembered (a feed would otherwise ask for one per
    item in another language; bench/README.md)."""
    return _url_pattern(language, name, get_script_prefix(), get_urlconf())


@lru_cache(maxsize=64)
def _url_pattern(language, name, _prefix, _urlconf):
    with translation.override(language):
        return reverse(name, args=["SLUG"]).replace("SLUG", "{}")


def read_datetime(value):
    """A datetime column read with SQL, aware as the ORM gives it (SQLite returns naive UTC)."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=UTC)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("Awaiting medical review")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=200, blank=True)
    slug = models.SlugField(
        _("slug"),
        unique=True,
        max_length=120,
        help_text=_("Letters, digits and hyphens; shared by both languages."),
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    summary = models.TextField(_("summary"), blank=True)
    body = ProseEditorField(
        _("body"), blank=True, extensions=richtext.EDITOR_EXTENSIONS, sanitize=richtext.sanitize
    )
    meta_description = models.CharField(
        _("meta description"),
        max_length=200,
        blank=True,
        help_text=_("Shown by search engines; the summary is used when empty."),
    )
    cover = images.image_field(_("cover image"), "covers/", "cover")
    cover_width, cover_height, cover_renditions = images.size_fields()
    cover_alt = models.CharField(
        _("cover alt text"),
        max_length=200,
        blank=True,
        help_text=_("Describes the cover image for people who cannot see it."),
    )
    cover_credit = models.CharField(
        _("cover credit and licence"),
        max_length=200,
        blank=True,
        help_text=_(
            "Shown under the cover: who made it and its licence, such as “Photo: … (CC BY 4.0)”."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        help_text=_("A published article appears on the site from this time on."),
    )
    comments_open = models.BooleanField(_("comments open"), default=True)
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Pinned at the top of the home page.")
    )
    authors = models.ManyToManyField(
        Person, verbose_name=_("authors"), related_name="articles", blank=True
    )
    reviewer = models.ForeignKey(
        Person,
        verbose_name=_("medical reviewer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_articles",
    )
    reviewed_at = models.DateField(
        _("last reviewed"), null=True, blank=True, help_text=_("When the reviewer last checked it.")
    )
    # What the reviewer said when sending it back; cleared by the next sign-off.
    review_note = models.TextField(_("reviewer's note"), blank=True, editable=False)
    signed_off_at = models.DateTimeField(_("signed off"), null=True, editable=False)
    # An adapted or translated piece names what it comes from and who carried it over.
    original_title = models.CharField(
        _("original title"),
        max_length=300,
        blank=True,
        help_text=_("The title of the piece this article adapts or translates, if any."),
    )
    original_url = models.URLField(_("original address"), max_length=500, blank=True)
    translator = models.ForeignKey(
        Person,
        verbose_name=_("translator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="translated_articles",
    )
    translation_checker = models.ForeignKey(
        Person,
        verbose_name=_("translation checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checked_translations",
    )
    # Derived in save() from is_available_in(), so lists can filter without reading bodies.
    available_zh_hans = models.BooleanField(default=False, editable=False)
    available_en = models.BooleanField(default=False, editable=False)
    # Translation status (see ``translation_status``): when each language's title, summary
    # or body last changed, and which change of the other language it was last written or
    # checked against (that language's ``changed_*`` at the time).
    changed_zh_hans = models.DateTimeField(null=True, editable=False)
    changed_en = models.DateTimeField(null=True, editable=False)
    synced_zh_hans = models.DateTimeField(null=True, editable=False)
    synced_en = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    related = models.ManyToManyField(
        "self", through="RelatedLink", symmetrical=False, related_name="+", blank=True
    )
    topics = models.ManyToManyField(
        Topic, verbose_name=_("topics"), related_name="articles", blank=True
    )
    main_topic = models.ForeignKey(
        Topic,
        verbose_name=_("main topic"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Named in the article's breadcrumbs; the article is added to this topic."),
    )
    linked_terms = models.ManyToManyField(
        "Term",
        verbose_name=_("linked glossary terms"),
        related_name="+",
        blank=True,
        help_text=_("Their first use in the body links to their glossary page."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("sign_off_article", _("Can sign off articles as a medical reviewer"))]
        indexes = [
            models.Index(fields=["status", "publish_at"]),
            models.Index(fields=["category", "status", "publish_at"]),
            # Covering indexes for the page counts of list pages and sitemap sections:
            # counting reads no row.
            models.Index(fields=["available_zh_hans", "status", "publish_at"]),
            models.Index(fields=["available_en", "status", "publish_at"]),
            # The sitemap index's lastmod per language: MAX(updated_at) reads one entry.
            models.Index(fields=["available_zh_hans", "status", "updated_at"]),
            models.Index(fields=["available_en", "status", "updated_at"]),
            # A search tests each match's visibility by article id: read from here, not
            # from the long row with both bodies.
            models.Index(
                fields=["id", "status", "publish_at", "available_zh_hans", "available_en"]
            ),
        ]

    def __str__(self):
        titles = [getattr(self, build_localized_fieldname("title", c)) for c in language_codes()]
        return self.title or next(filter(None, titles), self.slug)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_slug = instance.__dict__.get("slug")
        instance._loaded_category = instance.__dict__.get("category_id")
        instance._loaded_status = instance.__dict__.get("status")
        instance._loaded_content = {code: instance._content(code) for code in language_codes()}
        return instance

    def _content(self, language):
        """What a translation is made from: title, summary and body in ``language`` (None
        when a field was not loaded)."""
        names = [build_localized_fieldname(n, language) for n in ("title", "summary", "body")]
        if any(name not in self.__dict__ for name in names):
            return None
        return tuple(self.__dict__[name] or "" for name in names)

    @staticmethod
    def status_field(prefix, language):
        """The column that records when ``language`` changed (``changed``) or which change
        of the other language it was last checked against (``synced``)."""
        return f"{prefix}_{language.replace('-', '_')}"

    @staticmethod
    def other_language(language):
        return next(code for code in language_codes() if code != language)

    def translation_status(self, language):
        """``missing``, ``stale`` (the other language changed since this one was written or
        checked against it) or ``current``."""
        if not getattr(self, build_localized_fieldname("available", language)):
            return "missing"
        other = self.other_language(language)
        changed = getattr(self, self.status_field("changed", other))
        synced = getattr(self, self.status_field("synced", language))
        other_exists = getattr(self, build_localized_fieldname("available", other))
        if other_exists and changed and (synced is None or changed > synced):
            return "stale"
        return "current"

    def stale_notice(self):
        """For a visitor on a stale translation: the other version's language, URL and the
        day it changed; else None."""
        language = translation.get_language()
        if self.translation_status(language) != "stale":
            return None
        other = self.other_language(language)
        return {
            "name": languages.language_name(other),
            "lang": languages.html_lang(other),
            "url": self.url_in(other),
            "changed": getattr(self, self.status_field("changed", other)),
        }

    def mark_translation_current(self, language):
        """Record that ``language`` was checked against the other language as it is now."""
        changed = getattr(self, self.status_field("changed", self.other_language(language)))
        setattr(self, self.status_field("synced", language), changed)

    def _record_changes(self, before, minor=False):
        """Called by ``save()``: stamp the languages whose text changed. A language edited
        is taken as written against the other as it stands, and the other turns stale;
        unless the change is ``minor`` (a typo), or is translating: a first version, or
        the update of a stale one."""
        loaded = getattr(self, "_loaded_content", {})
        edited = [
            code
            for code in language_codes()
            if self._content(code) is not None and self._content(code) != loaded.get(code)
        ]
        now = timezone.now()
        for code in edited:
            setattr(self, self.status_field("changed", code), now)
        for code in edited:
            self.mark_translation_current(code)
        translating = all(before[code] in ("missing", "stale") for code in edited)
        for code in language_codes():
            if code not in edited and before[code] == "current" and (minor or translating):
                self.mark_translation_current(code)
            elif code not in edited and before[code] == "stale" and self._back_to_sync(code):
                self.mark_translation_current(code)

    def revision_at_sync(self, language):
        """The revision that made the other language what it was when ``language`` was last
        written or checked against it (the first one since that moment), or None."""
        synced = getattr(self, self.status_field("synced", language))
        if self.pk is None or synced is None:
            return None
        return self.history.filter(history_date__gte=synced).order_by("history_date").first()

    def _back_to_sync(self, language):
        """Whether the other language is again what it was when ``language`` was last
        written against it (a restore of that revision): then ``language`` is up to date."""
        other = self.other_language(language)
        if self._content(other) is None:
            return False
        then = self.revision_at_sync(language)
        names = [build_localized_fieldname(n, other) for n in ("title", "summary", "body")]
        return then is not None and self._content(other) == tuple(
            getattr(then, name) or "" for name in names
        )

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.slug])

    def url_in(self, language):
        return detail_url_pattern(language).format(self.slug)  # a slug needs no quoting

    def language_links(self, request):
        """The switcher's and hreflang links: this article in each language it is written in."""
        urls = {code: self.url_in(code) for code in language_codes()}
        return languages.language_links(request, self.available_languages(), urls)

    @property
    def description(self):
        """For search engines and link previews: the meta description, else the summary."""
        return Truncator(self.meta_description or self.summary or self.title).chars(160)

    def is_published(self):
        """Whether visitors see this article now (a query: ``published()`` is the rule)."""
        return Article.objects.published().filter(pk=self.pk).exists()

    def is_available_in(self, language):
        """The rule: a language version exists when it has a title and a body."""
        return all(
            getattr(self, build_localized_fieldname(name, language)) for name in ("title", "body")
        )

    def available_languages(self):
        return [
            code
            for code in language_codes()
            if getattr(self, build_localized_fieldname("available", code))
        ]

    @cached_property
    def picture(self):
        return images.picture_sources(self.cover_renditions)

    @cached_property
    def share_image(self):
        """The cover's square rendition, for link previews that crop to a square."""
        return images.share_image(self.cover_renditions)

    @cached_property
    def contents(self):
        """The table of contents in the active language: its ``<h2>``s, when three or more."""
        found = richtext.headings(self.body or "")
        return found if len(found) >= 3 else []

    @cached_property
    def reading_minutes(self):
        return richtext.reading_minutes(self.body or "")

    @property
    def text_changed_at(self):
        """When the text in the active language last changed (its title, summary or body;
        not a new category or cover), else when the article was last saved."""
        language = translation.get_language()
        return getattr(self, self.status_field("changed", language), None) or self.updated_at

    def was_updated(self):
        """Whether the text in the active language changed on a later day than its
        publication."""
        return timezone.localdate(self.text_changed_at) > timezone.localdate(self.publish_at)

    def review_is_older_than_text(self):
        """Whether a language's text changed on a later day than the last medical sign-off."""
        changed = [getattr(self, self.status_field("changed", code)) for code in language_codes()]
        changed = [moment for moment in changed if moment]
        if not changed or not self.reviewed_at:
            return False
        if self.signed_off_at:  # signed off here: to the second
            return max(changed) > self.signed_off_at
        return timezone.localdate(max(changed)) > self.reviewed_at

    def has_current_sign_off(self):
        """Whether a medical reviewer signed off the text as it stands."""
        return bool(self.reviewer_id and self.reviewed_at) and not self.review_is_older_than_text()

    def review_token(self, person):
        """The signed part of the link that lets ``person`` review this article without an
        account (``articles:review``; valid for settings.REVIEW_LINK_DAYS)."""
        return signing.dumps({"a": self.pk, "p": person.pk}, salt=REVIEW_SALT)

    @classmethod
    def from_review_token(cls, token):
        """``(article, person)`` for a review link's token. Raises ``signing.SignatureExpired``
        for a link too old, ``signing.BadSignature`` or ``DoesNotExist`` for one that is not."""
        data = signing.loads(token, salt=REVIEW_SALT, max_age=settings.REVIEW_LINK_DAYS * 86400)
        person = Person.objects.get(pk=data["p"])
        return cls.objects.select_related("category").get(pk=data["a"]), person

    def sign_off(self, person, user=None):
        """Record ``person``'s medical sign-off today, as a revision."""
        self.reviewer, self.review_note = person, ""
        self.signed_off_at = timezone.now()
        self.reviewed_at = timezone.localdate(self.signed_off_at)
        self._change_reason = gettext("Medically signed off by %(name)s") % {"name": person}
        self._history_user = user
        self.save()

    def send_back(self, person, note, user=None):
        """``person`` sends the article back to its editors with ``note``: a draft again."""
        self.status, self.review_note = self.Status.DRAFT, f"{person}: {note}"
        self._change_reason = gettext("Sent back by %(name)s: %(note)s") % {
            "name": person, "note": note,
        }  # fmt: skip
        self._history_user = user
        self.save()

    @cached_property
    def body_html(self):
        """The body as readers see it: citation marks ``[1]`` link to the references, and
        an editor's note (a quotation marked as one in the editor) is a labelled note."""
        language = translation.get_language()
        body = BodyImage.credited(self.body or "", language)
        terms = [(term.forms(), term.get_absolute_url()) for term in self.linked_terms.all()
                 if term.definition]  # fmt: skip
        return richtext.for_readers(body, len(self.reference_list), terms)

    @cached_property
    def reference_list(self):
        """The references in the active language, numbered from 1 in their order."""
        return list(self.references.all())

    @cached_property
    def topic_list(self):
        """The topics, read once for the page."""
        return list(self.topics.all())

    @property
    def topic_ids(self):
        """Its topics' ids: what its related cards' fill depends on."""
        return sorted(topic.pk for topic in self.topic_list)

    @cached_property
    def author_list(self):
        """The authors, read once for the page's byline and its structured data."""
        return list(self.authors.all())

    def related_for(self, language):
        """Its related articles' cards in ``language`` (``related_rows``)."""
        return self.related_rows(self.pk, self.category_id, language)

    @classmethod
    def related_rows(cls, pk, category_id, language):
        """Curated related articles of article ``pk`` visible in ``language``, filled up from
        the articles that share a topic with it, then from its category (``category_id``).

        Rows with the ``title``, ``summary``, ``publish_at``, cover ``renditions`` and ``url``
        the page's cards show.
        Written in SQL because building these queries with the ORM costs several times
        what the database takes to answer them (bench/README.md); the visibility
        condition is compiled from ``published().available_in()`` (``visible_sql``).
        """
        limit = settings.RELATED_ARTICLES_COUNT
        table = connection.ops.quote_name(Article._meta.db_table)
        columns = ", ".join(
            f"{table}.{Article._meta.get_field(name).column}"
            for name in [
                "id",
                "slug",
                build_localized_fieldname("title", language),
                build_localized_fieldname("summary", language),
                "publish_at",
                "cover_renditions",
            ]
        )
        visible, params = visible_sql(language)
        # Column names come from the model's fields; every value is a parameter.
        select = f"SELECT {columns} FROM {table}"  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(
                f"{select} JOIN articles_relatedlink l ON l.to_article_id = {table}.id"
                f" WHERE l.from_article_id = %s AND {visible} ORDER BY l.sort_order, l.id LIMIT %s",
                [pk, *params, limit],
            )
            rows = cursor.fetchall()
            # Always ask for the fill, so the page costs the same queries either way: the
            # newest articles that share a topic with this one, then its category's, each
            # read through its own index (one OR of the two would read every article).
            topics = Article.topics.through._meta.db_table
            newest = f"ORDER BY {table}.publish_at DESC, {table}.id DESC LIMIT %s"
            # Names from the model; every value is a parameter.
            shared = (
                f"{select} JOIN {topics} b ON b.article_id = {table}.id"  # noqa: S608
                f" WHERE b.topic_id IN (SELECT topic_id FROM {topics} WHERE article_id = %s)"
                f" AND {table}.id <> %s AND {visible} {newest}"
            )
            same = (
                f"{select} WHERE {table}.category_id = %s AND {table}.id <> %s"
                f" AND {visible} {newest}"
            )
            cursor.execute(
                f"SELECT 0, s.* FROM ({shared}) s UNION ALL SELECT 1, c.* FROM ({same}) c"  # noqa: S608
                " ORDER BY 1, publish_at DESC, id DESC",
                [pk, pk, *params, 2 * limit, category_id, pk, *params, limit],
            )
            fill = [row[1:] for row in cursor.fetchall()]
            seen = {row[0] for row in rows}
            for row in fill:
                if len(rows) < limit and row[0] not in seen:
                    seen.add(row[0])
                    rows.append(row)
        url = detail_url_pattern(language)
        return [
            {
                "slug": slug,
                "title": title,
                "summary": summary,
                "publish_at": read_datetime(publish_at),
                "renditions": json.loads(renditions) if isinstance(renditions, str) else renditions,
                "url": url.format(slug),
            }
            for _pk, slug, title, summary, publish_at, renditions in rows
        ]

    def clean(self):
        super().clean()
        errors = {}
        for code in language_codes():
            title = getattr(self, build_localized_fieldname("title", code), "")
            body = getattr(self, build_localized_fieldname("body", code), "")
            body = richtext.sanitize(body or "")
            if bool(title) != bool(body):
                field = build_localized_fieldname("body" if title else "title", code)
                errors[field] = _("Give this language both a title and a body, or neither.")
            if body:
                field = build_localized_fieldname("body", code)
                errors.update(BodyImage.check_body(field, body, code))
            alt = getattr(self, build_localized_fieldname("cover_alt", code), "")
            if self.cover and title and not alt:
                errors[build_localized_fieldname("cover_alt", code)] = _(
                    "Describe the cover image in every language the article is written in."
                )
        if not any(
            getattr(self, build_localized_fieldname("title", c), "") for c in language_codes()
        ):
            errors.setdefault(
                build_localized_fieldname("title", settings.LANGUAGE_CODE),
                _("Write the article in at least one language."),
            )
        if self.slug:
            taken = PreviousSlug.objects.filter(slug=self.slug)
            if self.pk:
                taken = taken.exclude(article_id=self.pk)
            if taken.exists():
                errors["slug"] = _("This slug was used by another article; choose another.")
        if self.reviewed_at and not self.reviewer_id:
            errors["reviewer"] = _("Name the reviewer of the last review.")
        publishing = self.status == self.Status.PUBLISHED and (
            getattr(self, "_loaded_status", None) != self.Status.PUBLISHED
        )
        category = self.category if self.category_id else None
        if publishing and category and category.needs_sign_off and not self.has_current_sign_off():
            errors["status"] = _(
                "Articles in “%(category)s” are published once a medical reviewer has signed "
                "off the text as it stands: send it for medical review first."
            ) % {"category": category}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        before = {code: self.translation_status(code) for code in language_codes()}
        for code in language_codes():
            field = build_localized_fieldname("body", code)
            setattr(self, field, BodyImage.stored_body(getattr(self, field), code))
            setattr(self, build_localized_fieldname("available", code), self.is_available_in(code))
        self._record_changes(before, minor=getattr(self, "minor_change", False))
        images.keep_renditions(self, "cover")
        super().save(*args, **kwargs)
        old_slug = getattr(self, "_loaded_slug", None)
        if old_slug and old_slug != self.slug:
            PreviousSlug.objects.update_or_create(slug=old_slug, defaults={"article": self})
        PreviousSlug.objects.filter(slug=self.slug).delete()
        self._loaded_slug, self._loaded_category = self.slug, self.category_id
        self._loaded_status = self.status
        self._loaded_content = {code: self._content(code) for code in language_codes()}


def _translated_field(model, path):
    """The translated field that ``path`` (``title``, ``category__name``) names, or None."""
    for part in path.lstrip("-").split(LOOKUP_SEP):
        try:
            field = model._meta.get_field(part)
            translated = translator.get_options_for_model(model).all_fields
        except FieldDoesNotExist:
            return None
        except NotRegistered:
            translated = {}
        if part in translated:
            return f"{model._meta.label}.{part}"
        if not field.is_relation:
            return None
        model = field.related_model
    return None


def _lookup_names(args, kwargs):
    """The field paths named by ``filter()``'s arguments, inside ``Q`` objects too."""
    names = list(kwargs)
    for arg in args:
        if isinstance(arg, Q):
            for child in arg.children:
                names += [child[0]] if isinstance(child, tuple) else _lookup_names([child], {})
    return names


class SiteQuerySet(VersionedQuerySet):
    """A QuerySet without modeltranslation's rewriting of field names: how public pages
    query every translated model (``site_query()``).

    Public pages name each language's column themselves (``title_en``), and
    modeltranslation's rewriting of every lookup is a large part of their query
    building. A bare translated name (``title``) would read the untranslated
    leftover column, so it is refused.
    """

    def _refuse_translated(self, names):
        for name in names:
            if isinstance(name, str) and (field := _translated_field(self.model, name)):
                raise FieldError(
                    f"{field} is translated: name the language's column "
                    f"(build_localized_fieldname) in site_query() queries"
                )

    def _filter_or_exclude(self, negate, args, kwargs):
        self._refuse_translated(_lookup_names(args, kwargs))
        return super()._filter_or_exclude(negate, args, kwargs)

    def only(self, *fields):
        self._refuse_translated(fields)
        return super().only(*fields)

    def defer(self, *fields):
        self._refuse_translated(fields)
        return super().defer(*fields)

    def values(self, *fields, **expressions):
        self._refuse_translated(fields)
        return super().values(*fields, **expressions)

    def values_list(self, *fields, **kwargs):
        self._refuse_translated(fields)
        return super().values_list(*fields, **kwargs)

    def order_by(self, *fields):
        self._refuse_translated(fields)
        return super().order_by(*fields)


class SiteArticleQuerySet(SiteQuerySet, ArticleQuerySet):
    """``ArticleQuerySet`` as public pages query it (see ``SiteQuerySet``)."""


def site_query(model):
    """``model``'s rows as the public pages query them (see ``SiteQuerySet``)."""
    return SiteArticleQuerySet(model) if model is Article else SiteQuerySet(model)


def site_articles():
    return site_query(Article)


class RelatedLink(models.Model):
    from_article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="related_links"
    )
    to_article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="incoming_links",
        verbose_name=_("related article"),
    )
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("related article")
        verbose_name_plural = _("related articles")
        constraints = [
            models.UniqueConstraint(
                fields=["from_article", "to_article"], name="related_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(from_article=F("to_article")), name="related_link_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.from_article} → {self.to_article}"

    def clean(self):
        if self.from_article_id and self.from_article_id == self.to_article_id:
            raise ValidationError({"to_article": _("An article cannot be related to itself.")})


class Reference(models.Model):
    """A source an article cites: a numbered entry of its 参考文献 / References, cited in
    the body as ``[1]``. Only what the text or its source gives is filled in."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    authors = models.CharField(_("authors"), max_length=300, blank=True)
    title = models.CharField(_("title"), max_length=400, blank=True)
    container = models.CharField(
        _("journal or site"), max_length=200, blank=True, help_text=_("Where it was published.")
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^10\.\d{4,9}/\S+$", _("A DOI looks like 10.1000/xyz123."))],
    )
    pmid = models.CharField(
        _("PubMed ID"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^[1-9][0-9]{0,11}$", _("A PubMed ID is a number."))],
    )
    url = models.URLField(_("address"), max_length=500, blank=True)
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("What the reader should know, such as details the source does not give."),
    )

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self):
        return self.title or self.container or self.url or self.doi or str(self.pk)

    def clean(self):
        super().clean()
        if not any([self.title, self.container, self.url, self.doi, self.pmid]):
            raise ValidationError(_("Give at least a title, a journal or site, or an address."))

    @property
    def shown_title(self):
        """The title in the active language, else as given in another (a paper keeps its
        own language's title)."""
        return self._in_any_language("title")

    @property
    def shown_container(self):
        return self._in_any_language("container")

    def _in_any_language(self, name):
        values = [getattr(self, build_localized_fieldname(name, c)) for c in language_codes()]
        return getattr(self, name) or next(filter(None, values), "")

    @property
    def link(self):
        """Where a reader can find it: the DOI, else PubMed, else the address."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return self.url


class Term(models.Model):
    """A glossary entry (术语): one concept, its preferred term and the other words readers
    use for it in each language, the words to avoid for it and why, and a definition. A
    search for any of its forms also finds the others (``search.glossary``)."""

    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("preferred term"), max_length=100)
    synonyms = models.TextField(
        _("synonyms"), blank=True, help_text=_("Other words readers use for it, one per line.")
    )
    avoid = models.TextField(
        _("terms to avoid"),
        blank=True,
        help_text=_("One per line, with the reason after a colon: 腰痛: 是症状，不是这种疾病"),
    )
    definition = models.TextField(_("definition"), blank=True)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary")

    def __str__(self):
        return self.name or self.slug

    def get_absolute_url(self):
        return reverse("articles:term", args=[self.slug])

    def avoided(self):
        """``(term, reason)`` for each term to avoid in the active language."""
        pairs = [line.partition(":") for line in (self.avoid or "").splitlines()]
        return [(word.strip(), reason.strip()) for word, _colon, reason in pairs if word.strip()]

    def forms(self):
        """The preferred term and its synonyms in the active language."""
        lines = [line.strip() for line in (self.synonyms or "").splitlines()]
        return [form for form in [self.name, *lines] if form]


class PreviousSlug(models.Model):
    """An old slug of an article, kept so that old links answer with a redirect."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="previous_slugs")
    slug = models.SlugField(_("slug"), unique=True, max_length=120)

    objects = VersionedQuerySet.as_manager()

    class Meta:
        verbose_name = _("previous slug")
        verbose_name_plural = _("previous slugs")

    def __str__(self):
        return self.slug
