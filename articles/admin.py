"""Editors write articles here: one tab per language, rich text, cover, related links."""

from django.contrib import admin
from django.core.files.storage import default_storage
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from js_asset import Media
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from core.languages import html_lang, language_codes

from .images import CoverFormField
from .models import Article, Category, Page, Person, RelatedLink


class MissingLanguageFilter(admin.SimpleListFilter):
    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return [
            ("en", _("Missing English")),
            ("zh-hans", _("Missing Chinese")),
        ]

    def queryset(self, request, queryset):
        if self.value() in language_codes():
            return queryset.missing_in(self.value())
        return queryset


class RelatedLinkInline(admin.TabularInline):
    model = RelatedLink
    fk_name = "from_article"
    extra = 1
    autocomplete_fields = ["to_article"]
    fields = ["to_article", "sort_order"]


class RichTextAdmin(TabbedDjangoJqueryTranslationAdmin):
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
    list_display = ["__str__", "slug"]
    search_fields = ["name_zh_hans", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    formfield_overrides = {models.ImageField: {"form_class": CoverFormField}}


@admin.register(Page)
class PageAdmin(RichTextAdmin):
    list_display = ["__str__", "slug", "updated_at"]
    prepopulated_fields = {"slug": ["title_en"]}


@admin.register(Article)
class ArticleAdmin(RichTextAdmin):
    list_display = ["thumbnail", "__str__", "category", "status", "publish_at", "languages"]
    list_display_links = ["thumbnail", "__str__"]
    list_filter = ["status", "category", MissingLanguageFilter]
    search_fields = ["title_zh_hans", "title_en", "slug"]
    date_hierarchy = "publish_at"
    list_select_related = ["category"]
    autocomplete_fields = ["category", "authors", "reviewer"]
    inlines = [RelatedLinkInline]
    readonly_fields = ["view_on_site_links"]
    formfield_overrides = {models.ImageField: {"form_class": CoverFormField}}
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "summary", "body"]}),
        (_("Authors and review"), {"fields": ["authors", "reviewer", "reviewed_at"]}),
        (_("Cover image"), {"fields": ["cover", "cover_alt"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "comments_open"]}),
        (_("Search engines"), {"fields": ["meta_description"]}),
        (_("On the site"), {"fields": ["view_on_site_links"]}),
    ]

    @admin.display(description=_("cover"))
    def thumbnail(self, article):
        if not article.cover_renditions:
            return "—"
        width, height, name = article.cover_renditions["jpg"][0]
        return format_html(
            '<img src="{}" alt="" width="64" height="{}">',
            default_storage.url(name),
            round(64 * height / width),
        )

    @admin.display(description=_("languages"))
    def languages(self, article):
        return " / ".join(html_lang(code) for code in article.available_languages()) or "—"

    @admin.display(description=_("view on site"))
    def view_on_site_links(self, article):
        if not article.pk:
            return _("Save the article first.")
        links = [(article.url_in(code), html_lang(code)) for code in article.available_languages()]
        if not links:
            return "—"
        return format_html_join(" · ", '<a href="{}" target="_blank">{}</a>', links)
