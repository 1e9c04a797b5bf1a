"""Editors write articles here: one tab per language, rich text, cover, related links."""

import re
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import models
from django.forms import modelform_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from js_asset import Media
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin, TranslationStackedInline
from modeltranslation.utils import build_localized_fieldname
from simple_history.admin import SimpleHistoryAdmin

from core.languages import html_lang, language_codes, language_name
from core.params import parse_id
from core.text import storable

from . import revisions, richtext, terminology, translation_status
from .images import CoverFormField
from .models import (
    Article,
    BodyImage,
    Category,
    Page,
    Person,
    Reference,
    RelatedLink,
    SiteDetails,
    Term,
    Topic,
)

STATUS_WORDS = {"missing": _("missing"), "stale": _("stale"), "current": _("up to date")}


def valid_as_a_whole(form, instance):
    """Validate ``instance`` as a whole after ``form``: errors on fields the form shows go
    to those fields, the others to the top of the form, named by their label, so that a
    rule of the model is a message to the editor, never a 500. True when valid."""
    try:
        instance.full_clean()
    except ValidationError as error:
        for name, problems in error.message_dict.items():
            if name in form.fields:
                form.add_error(name, problems)
            else:
                label = (
                    capfirst(instance._meta.get_field(name).verbose_name)
                    if name != NON_FIELD_ERRORS
                    else ""
                )
                form.add_error(
                    None, [f"{label}: {problem}" if label else problem for problem in problems]
                )
        return False
    return True


class StateFilter(admin.SimpleListFilter):
    """Live, scheduled (published, its time still to come) or draft."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("live", _("Live")),
            ("scheduled", _("Scheduled")),
            ("review", _("Awaiting medical review")),
            ("draft", _("Draft")),
        ]

    def queryset(self, request, queryset):
        live = queryset.published()
        if self.value() == "live":
            return live
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(
                pk__in=live.values("pk")
            )
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "review":
            return queryset.filter(status=Article.Status.REVIEW)
        return queryset


class TranslationFilter(admin.SimpleListFilter):
    """Each language: missing, stale (the other language changed since) or up to date."""

    title = _("translation")
    parameter_name = "translation"

    def lookups(self, request, model_admin):
        return [
            (
                f"{code}:{status}",
                _("%(language)s:") % {"language": language_name(code)} + str(STATUS_WORDS[status]),
            )
            for code in language_codes()
            for status in ("missing", "stale", "current")
        ]

    def queryset(self, request, queryset):
        code, _sep, status = (self.value() or "").partition(":")
        if code not in language_codes():
            return queryset
        if status == "missing":
            return queryset.missing_in(code)
        stale = queryset.stale_in(code)
        if status == "stale":
            return stale
        if status == "current":
            return queryset.available_in(code).exclude(pk__in=stale.values("pk"))
        return queryset


def pinyin_slug(title_zh):
    from pypinyin import lazy_pinyin  # its dictionary loads only when needed

    return slugify(" ".join(lazy_pinyin(title_zh)))[:100]


def suggested_slug(title_en, title_zh, pk=None):
    """A free slug from the English title, or from the pinyin of the Chinese one."""
    base = slugify(title_en)[:100] or pinyin_slug(title_zh) or "article"
    slug, n = base, 1
    taken = Article.objects.exclude(pk=pk)
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def slug_offer(article):
    """The English slug to offer an article whose slug is still the pinyin of its Chinese
    title now that it has an English title; else None."""
    if not slugify(article.title_en or "") or not article.title_zh_hans:
        return None
    pinyin = pinyin_slug(article.title_zh_hans)
    if not pinyin or not re.fullmatch(rf"{re.escape(pinyin)}(-[0-9]+)?", article.slug):
        return None
    return suggested_slug(article.title_en, "", article.pk)


class ArticleForm(forms.ModelForm):
    revision_note = forms.CharField(
        label=_("Note on this change"),
        required=False,
        max_length=100,
        help_text=_("Kept with the revision, in the history."),
    )
    minor_change = forms.BooleanField(
        label=_("Minor change (a typo): translations stay up to date"), required=False
    )
    confirm_removal = forms.BooleanField(
        label=_("Yes, remove that language version (its page will answer 404)"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "publish_at" in self.fields:  # two boxes under one label: each gets a name
            date, time = self.fields["publish_at"].widget.widgets
            date.attrs["aria-label"] = _("Publication date")
            time.attrs["aria-label"] = _("Publication time")
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "Letters, digits and hyphens; shared by both languages. Left empty, it is made "
                "from the English title, or from the pinyin of the Chinese title."
            )

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        return suggested_slug(
            self.data.get("title_en") or "", self.data.get("title_zh_hans") or "", self.instance.pk
        )

    def clean(self):
        """Emptying a language's title or body of a published article takes its page off
        the site: the editor confirms it first."""
        data = super().clean()
        article = self.instance
        if (
            article.pk
            and article.status == Article.Status.PUBLISHED
            and not data.get("confirm_removal")
        ):
            for code, name in settings.LANGUAGES:
                had = getattr(article, build_localized_fieldname("available", code))
                fields = [build_localized_fieldname(f, code) for f in ("title", "body")]
                if had and any(f in data and not richtext.sanitize(data[f] or "") for f in fields):
                    raise forms.ValidationError(
                        _(
                            "This removes the %(language)s version of a published article: its page will answer 404. Tick the confirmation below to go ahead."
                        )
                        % {"language": name}
                    )
        return data


class RelatedLinkForm(forms.ModelForm):
    """A table row: its boxes are named, since only the column heads have the words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        article = self.fields["to_article"].widget
        getattr(article, "widget", article).attrs["aria-label"] = _("Related article")
        self.fields["sort_order"].widget.attrs["aria-label"] = _("Order")


class RelatedLinkFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = _("Delete this link")


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    form = RelatedLinkForm
    formset = RelatedLinkFormSet
    fk_name = "from_article"
    extra = 1
    autocomplete_fields = ["to_article"]
    fields = ["to_article", "sort_order"]


# An address typed without its scheme is taken as https.
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


class ReferenceInline(TranslationStackedInline):
    model = Reference
    extra = 0
    formfield_overrides = URL_FIELD
    fields = [
        "sort_order", "authors", "title", "container", "year", "doi", "pmid", "url", "note",
    ]  # fmt: skip


class RichTextAdmin(TabbedDjangoJqueryTranslationAdmin):
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Each language's body editor picks images from the uploaded ones, with their alt
        text and caption in its language."""
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        language = getattr(db_field, "language", None)
        if isinstance(field, ProseEditorFormField) and language:
            config = field.widget.config
            picker = reverse("admin:articles_bodyimage_picker") + f"?lang={language}"
            field.widget.config = config | {
                "extensions": config["extensions"] | {"Figure": {"pickerUrl": picker}},
            }
        return field

    def render_change_form(self, request, context, *args, **kwargs):
        # The rich-text editor's inline import map runs only with the CSP nonce.
        context["media"] = Media.from_media(context["media"], nonce=request.csp_nonce)
        return super().render_change_form(request, context, *args, **kwargs)


@admin.register(Category)
class CategoryAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "slug"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Person)
class PersonAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "job_title", "slug"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        """Who may manage accounts links a reviewer's account to their person."""
        if not request.user.has_perm("auth.change_user"):
            return ["user"]
        return []

    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    formfield_overrides = {models.ImageField: {"form_class": CoverFormField}}


@admin.register(Topic)
class TopicAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["__str__", "slug"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    autocomplete_fields = ["lead"]
    formfield_overrides = {models.ImageField: {"form_class": CoverFormField}}


@admin.register(Term)
class TermAdmin(TabbedDjangoJqueryTranslationAdmin):
    """The glossary: what search treats as one concept, in both languages."""

    list_display = ["__str__", "name_zh_hans", "name_en", "slug"]
    search_fields = ["name_zh_hans", "name_en", "synonyms_zh_hans", "synonyms_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(SiteDetails)
class SiteDetailsAdmin(admin.ModelAdmin):
    """One row: the list opens it."""

    def has_add_permission(self, request):
        return not SiteDetails.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        details = SiteDetails.objects.first()
        if details is None:
            return redirect("admin:articles_sitedetails_add")
        return redirect("admin:articles_sitedetails_change", details.pk)


@admin.register(Page)
class PageAdmin(RichTextAdmin):
    list_display = ["__str__", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(BodyImage)
class BodyImageAdmin(TabbedDjangoJqueryTranslationAdmin):
    """Images for bodies. The editor's image button opens ``picker_view`` in a window:
    upload there, or choose one, and it is inserted with its alt text and caption."""

    list_display = ["thumbnail", "__str__", "uploaded_at"]
    list_display_links = ["__str__"]
    search_fields = ["alt_zh_hans", "alt_en", "caption_zh_hans", "caption_en"]
    formfield_overrides = {models.ImageField: {"form_class": CoverFormField}}
    fields = ["file", "preview", "alt", "caption", "credit"]
    readonly_fields = ["preview"]

    @admin.display(description=_("image"))
    def thumbnail(self, image):
        return _rendition(image.renditions, 64)

    @admin.display(description=_("uploaded image"))
    def preview(self, image):
        return _rendition(image.renditions, 240, "cover-preview")

    def get_urls(self):
        view = self.admin_site.admin_view(self.picker_view)
        return [path("picker/", view, name="articles_bodyimage_picker"), *super().get_urls()]

    def picker_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        language = request.GET.get("lang")
        if language not in language_codes():
            language = settings.LANGUAGE_CODE
        can_add = self.has_add_permission(request)
        translated = [
            build_localized_fieldname(name, code)
            for name in ("alt", "caption", "credit")
            for code in language_codes()
        ]
        names = {code.replace("-", "_"): language_name(code) for code in language_codes()}
        Form = self.get_form(request, fields=["file", *translated])
        form = Form(request.POST or None, request.FILES or None) if can_add else None
        for name, field in form.fields.items() if form else ():
            if name in translated:  # all four boxes in view, each named with its language
                field.label = f"{field.label.partition(' [')[0]} ({names[name.split('_', 1)[1]]})"
        if form is not None:  # the body it goes into is in this language: its alt text first
            alt = form.fields[build_localized_fieldname("alt", language)]
            alt.required = True
            alt.error_messages["required"] = _(
                "Describe the image in %(language)s, the language of the text it goes into."
            ) % {"language": language_name(language)}
        if request.method == "POST" and form is not None and form.is_valid():
            image = form.save()
            self.log_addition(request, image, [{"added": {}}])
            query = request.GET.copy()
            query["chosen"] = image.pk
            return redirect(f"{request.path}?{query.urlencode()}")
        page = Paginator(BodyImage.objects.all(), 24).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Insert an image"),
            "is_popup": True,
            "form": form,
            "media": self.media + form.media if form else self.media,
            "page_obj": page,
            "query": query.urlencode(),
            "chosen": request.GET.get("chosen", ""),
            "images": [
                {
                    "image": image,
                    "thumbnail": _rendition(image.renditions, 160),
                    "alt": image.in_language(language, "alt"),
                    "caption": image.in_language(language, "caption"),
                }
                for image in page
            ],
        }
        return TemplateResponse(request, "admin/articles/bodyimage/picker.html", context)


def _rendition(renditions, width, css_class=""):
    """An uploaded image's smallest rendition shown ``width`` pixels wide, or a dash."""
    if not renditions:
        return "—"
    rendition_width, height, name = renditions["jpg"][0]
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}"{}>',
        default_storage.url(name),
        width,
        round(width * height / rendition_width),
        format_html(' class="{}"', css_class) if css_class else "",
    )


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin, RichTextAdmin):
    form = ArticleForm

    change_form_template = "admin/articles/article/change_form.html"
    change_list_template = "admin/articles/article/change_list.html"
    object_history_list_template = "admin/articles/article/history_list.html"
    history_list_display = ["changes"]
    list_display = ["thumbnail", "__str__", "category", "state", "publish_at", "translations"]
    list_display_links = ["__str__"]  # the thumbnail is no link: a link needs words
    list_filter = [StateFilter, "category", TranslationFilter]
    search_fields = ["title_zh_hans", "title_en", "slug"]
    date_hierarchy = "publish_at"
    list_select_related = ["category"]
    # What other apps add to the list's rows (exchange: who is translating it).
    list_prefetch_related = []
    autocomplete_fields = ["category", "main_topic", "translator", "translation_checker"]
    # A handful of people: boxes to tick, each with its name, rather than a search box.
    formfield_overrides = {
        models.ImageField: {"form_class": CoverFormField},
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
        **URL_FIELD,
    }
    inlines = [ReferenceInline, RelatedLinkInline]
    # The medical reviewer and the date are recorded by the sign-off ("Medical review" at
    # the top of the form), never typed: an editor cannot sign off in a reviewer's name.
    readonly_fields = ["view_on_site_links", "cover_preview", "reviewer", "reviewed_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
        (_("Topics and glossary"), {"fields": ["topics", "main_topic", "linked_terms"]}),
        (_("Authors and review"), {"fields": ["authors", "reviewer", "reviewed_at"]}),
        (
            _("Adapted or translated from"),
            {"fields": ["original_title", "original_url", "translator", "translation_checker"]},
        ),
        (_("Cover image"), {"fields": ["cover", "cover_preview", "cover_alt", "cover_credit"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "comments_open", "featured"]}),
        (_("Search engines"), {"fields": ["meta_description"]}),
        (_("On the site"), {"fields": ["view_on_site_links"]}),
        (_("This change"), {"fields": ["revision_note", "minor_change", "confirm_removal"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(*self.list_prefetch_related)

    # Revisions: one per save of the form, written once the authors and related links
    # are saved too, with the editor's note (articles.revisions).
    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("revision_note", "")
        obj.minor_change = form.cleaned_data.get("minor_change", False)
        obj.skip_history_when_saving = True
        signed_off_text = change and obj.reviewed_at and not obj.review_is_older_than_text()
        # A draft published without a time of the editor's own goes live now, not at the
        # moment it was first saved (that would backdate it).
        going_live = obj.status == Article.Status.PUBLISHED and (
            getattr(obj, "_loaded_status", None) != Article.Status.PUBLISHED
        )
        shown = form.initial.get("publish_at")  # to the second: the form shows no more
        untouched = shown and obj.publish_at.replace(microsecond=0) == shown.replace(microsecond=0)
        if change and going_live and untouched:
            obj.publish_at = max(obj.publish_at, timezone.now())
        super().save_model(request, obj, form, change)
        if signed_off_text and obj.review_is_older_than_text():
            self.message_user(
                request,
                _("The text changed after %(name)s signed it off on %(date)s: the medical review "
                  "is now older than the text. Send it for review again.")
                % {"name": obj.reviewer, "date": formats.date_format(obj.reviewed_at)},
                messages.WARNING,
            )  # fmt: skip

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if article.main_topic_id:
            article.topics.add(article.main_topic_id)
        for warning in terminology.check(article):
            self.message_user(request, warning, messages.WARNING)
        del article.skip_history_when_saving
        article._history_user = request.user
        Article.revisions.record(article, created=not change)

    # Every revision names its editor, set here rather than read from the request by
    # simple-history's middleware, which would run on every request of the site.
    def delete_model(self, request, obj):
        obj._history_user = request.user
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            self.delete_model(request, article)

    def changes(self, record):
        return revisions.sentence(record.prev_record, record)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "translations/", view(self.translation_report), name="articles_translation_report"
            ),
            path(
                "<int:pk>/revisions/<int:history_id>/",
                view(self.revision_view),
                name="articles_article_revision",
            ),
            path(
                "<int:pk>/translate/<str:language>/",
                view(self.translate_view),
                name="articles_article_translate",
            ),
            path("<int:pk>/review-link/", view(self.review_link_view), name="articles_review_link"),
            path("<int:pk>/use-slug/", view(self.use_slug_view), name="articles_use_slug"),
            path("<int:pk>/sign-off/", view(self.sign_off_view), name="articles_sign_off"),
            path("<int:pk>/send-back/", view(self.send_back_view), name="articles_send_back"),
            path(
                "<int:pk>/mark-current/<str:language>/",
                view(self.mark_current_view),
                name="articles_article_mark_current",
            ),
            *super().get_urls(),
        ]

    def _article(self, request, pk, change=False):
        article = get_object_or_404(Article, pk=pk)
        allowed = self.has_change_permission if change else self.has_view_or_change_permission
        if not allowed(request, article):
            raise PermissionDenied
        return article

    def revision_view(self, request, pk, history_id):
        """One revision: what it changed, field by field and language by language, and a
        button that restores it."""
        article = self._article(request, pk)
        record = get_object_or_404(article.history.all(), history_id=history_id)
        if request.method == "POST":
            if not self.has_change_permission(request, article):
                raise PermissionDenied
            revisions.restore(article, record, request.user)
            self.message_user(
                request,
                _("The revision was restored; the restore is a revision too."),
                messages.SUCCESS,
            )
            return redirect("admin:articles_article_change", article.pk)
        previous = record.prev_record
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Revision of %(date)s")
            % {
                "date": formats.date_format(
                    timezone.localtime(record.history_date), "DATETIME_FORMAT"
                )
            },
            "article": article,
            "record": record,
            "sentence": revisions.sentence(previous, record),
            "diffs": revisions.field_diffs(previous, record) if previous else [],
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision.html", context)

    # Medical review: an editor sends a link to a reviewer (who needs no account); a
    # reviewer with an account linked to their person signs off or sends back here.

    def review_link_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        article = self._article(request, pk, change=True)
        person = Person.objects.filter(pk=parse_id(request.POST.get("review_person"))).first()
        if person is None:
            self.message_user(request, _("Choose the medical reviewer."), messages.ERROR)
            return redirect("admin:articles_article_change", article.pk)
        if article.status == Article.Status.DRAFT:
            article.status = Article.Status.REVIEW
            article._change_reason = _("Sent for medical review to %(name)s") % {"name": person}
            article._history_user = request.user
            article.save()
        language = (article.available_languages() or [settings.LANGUAGE_CODE])[0]
        with translation.override(language):
            path = reverse("articles:review", args=[article.review_token(person)])
        self.message_user(
            request,
            format_html(
                _("Send {name} this link; it lets them read and sign off the article without an "
                  "account for {days} days: {link}"),
                name=person, days=settings.REVIEW_LINK_DAYS,
                link=settings.SITE_URL.rstrip("/") + path,
            ),
            messages.SUCCESS,
        )  # fmt: skip
        return redirect("admin:articles_article_change", article.pk)

    def _reviewer(self, request, pk):
        if request.method != "POST":
            raise Http404
        article = self._article(request, pk)
        person = getattr(request.user, "person", None)
        if not request.user.has_perm("articles.sign_off_article") or person is None:
            raise PermissionDenied
        return article, person

    def sign_off_view(self, request, pk):
        article, person = self._reviewer(request, pk)
        article.sign_off(person, request.user)
        self.message_user(request, _("Signed off. The editors can publish it."), messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def send_back_view(self, request, pk):
        article, person = self._reviewer(request, pk)
        note = storable(request.POST.get("review_note_text", "")).strip()
        if not note or len(note) > 1000:
            self.message_user(
                request, _("Say in at most 1,000 characters what must change."), messages.ERROR
            )
        else:
            article.send_back(person, note, request.user)
            self.message_user(request, _("Sent back to the editors."), messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def use_slug_view(self, request, pk):
        """Give an article the slug made from its English title; its old address
        redirects to the new one (``PreviousSlug``)."""
        if request.method != "POST":
            raise Http404
        article = self._article(request, pk, change=True)
        slug = slug_offer(article)
        if slug:
            old = article.slug
            article.slug = slug
            article._change_reason = _("Address changed from %(old)s") % {"old": old}
            article._history_user = request.user
            article.save()
            self.message_user(
                request,
                _("The address is now %(slug)s; the old one leads there.") % {"slug": slug},
                messages.SUCCESS,
            )
        return redirect("admin:articles_article_change", article.pk)

    def mark_current_view(self, request, pk, language):
        if request.method != "POST" or language not in language_codes():
            raise Http404
        article = self._article(request, pk, change=True)
        article.mark_translation_current(language)
        Article.objects.filter(pk=article.pk).update(
            **{
                Article.status_field("synced", language): getattr(
                    article, Article.status_field("synced", language)
                )
            }
        )
        self.message_user(request, _("Marked as up to date."), messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    def translate_view(self, request, pk, language):
        """Both languages side by side: the other language's changes since this one was
        last written against it, and this language's title, summary and body to edit."""
        if language not in language_codes():
            raise Http404
        article = get_object_or_404(Article, pk=pk)
        # Editors, and a translator it is assigned to (an object permission: exchange).
        editor = self.has_change_permission(request, article)
        if not editor and not request.user.has_perm("articles.translate_article", article):
            raise PermissionDenied
        names = ["title", "summary", "body", *(["cover_alt"] if article.cover else [])]
        fields = [build_localized_fieldname(n, language) for n in names]
        Form = modelform_factory(
            Article,
            fields=fields,
            formfield_callback=partial(self.formfield_for_dbfield, request=request),
        )
        form = Form(request.POST or None, instance=article)
        for name, field in form.fields.items():  # the heading names the language
            base = name.removesuffix("_" + language.replace("-", "_"))
            field.label = capfirst(Article._meta.get_field(base).verbose_name)
        terminology_warnings = None
        if request.method == "POST" and "check_terms" in request.POST:
            # The text as typed, checked and shown again: nothing is saved.
            if form.is_valid():
                terminology_warnings = terminology.check(form.instance)
        elif request.method == "POST" and form.is_valid() and valid_as_a_whole(form, article):
            article = form.save(commit=False)
            article._change_reason = _("Translated")
            article._history_user = request.user
            article.save()
            self.message_user(
                request, _("The translation was saved and is up to date."), messages.SUCCESS
            )
            if not editor:
                return redirect("admin:index")
            return redirect("admin:articles_article_change", article.pk)
        source = Article.other_language(language)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Translate into %(language)s") % {"language": language_name(language)},
            "article": article,
            "form": form,
            "media": Media.from_media(self.media + form.media, nonce=request.csp_nonce),
            "source_language": language_name(source),
            "source_lang": html_lang(source),
            "source": {
                name: getattr(article, build_localized_fieldname(name, source))
                for name in ("title", "summary", "body")
            },
            "changes": translation_status.changes_since_sync(article, language),
            "terminology": terminology_warnings,
        }
        return TemplateResponse(request, "admin/articles/article/translate.html", context)

    def translation_report(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Missing and stale translations"),
            "rows": translation_status.report(),
        }
        return TemplateResponse(request, "admin/articles/article/translation_report.html", context)

    def render_change_form(self, request, context, *args, obj=None, **kwargs):
        if obj is not None:
            context["stale"] = [
                {
                    "language": code,
                    "name": language_name(code),
                    "changes": translation_status.changes_since_sync(obj, code),
                }
                for code in language_codes()
                if obj.translation_status(code) == "stale"
            ]
            context["slug_offer"] = slug_offer(obj)
            context["review"] = {
                "older": obj.review_is_older_than_text(),
                "can_request": self.has_change_permission(request, obj),
                "people": Person.objects.all(),
                "can_sign_off": request.user.has_perm("articles.sign_off_article")
                and getattr(request.user, "person", None) is not None,
            }
        return super().render_change_form(request, context, *args, obj=obj, **kwargs)

    @admin.display(description=_("state"), ordering="status")
    def state(self, article):
        if article.status == Article.Status.DRAFT:
            return _("Draft")
        if article.status == Article.Status.REVIEW:
            return _("Awaiting medical review")
        if article.publish_at > timezone.now():
            when = formats.date_format(timezone.localtime(article.publish_at), "DATETIME_FORMAT")
            return format_html(
                '<span class="scheduled">{}</span>', _("Scheduled for %(when)s") % {"when": when}
            )
        return _("Live")

    @admin.display(description=_("uploaded cover"))
    def cover_preview(self, article):
        return _rendition(article.cover_renditions, 240, "cover-preview")

    @admin.display(description=_("cover"))
    def thumbnail(self, article):
        return _rendition(article.cover_renditions, 64)

    @admin.display(description=_("translations"))
    def translations(self, article):
        return format_html_join(
            " ",
            '<span class="translation-status status-{}">{}{}</span>',
            [
                (
                    status,
                    _("%(language)s:") % {"language": language_name(code)},
                    STATUS_WORDS[status],
                )
                for code in language_codes()
                for status in [article.translation_status(code)]
            ],
        )

    @admin.display(description=_("view on site"))
    def view_on_site_links(self, article):
        if not article.pk:
            return _("Save the article first.")
        links = [
            (article.url_in(code), _("%(language)s version") % {"language": language_name(code)})
            for code in article.available_languages()
        ]
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}" target="_blank">{}</a>', links)
