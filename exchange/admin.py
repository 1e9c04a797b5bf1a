"""Translation work in the admin: the assignment queue, export and import pages, the
article list's "Export for translation" action and its column of who translates what."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from articles.admin import ArticleAdmin
from articles.models import Article
from core.languages import language_codes, language_name

from . import assignments
from .models import Assignment
from .permissions import may_translate

# ``transfer`` (and lxml with it) is imported by the export and import views only: a worker
# that serves readers never loads them.
FORMATS = {"xliff": _("XLIFF 2.0 (memoQ, Trados, OmegaT)"), "po": _("PO (Poedit)")}

MAX_FILE_BYTES = 5 * 1024 * 1024


def _languages():
    return [(code, language_name(code)) for code in language_codes()]


class ExportForm(forms.Form):
    language = forms.ChoiceField(label=_("Translate into"), choices=_languages)
    kind = forms.ChoiceField(
        label=_("File format"),
        choices=list(FORMATS.items()),
        widget=forms.RadioSelect,
        initial="xliff",
    )
    scope = forms.ChoiceField(
        label=_("Articles"),
        choices=[
            ("chosen", _("The articles chosen in the list")),
            ("waiting", _("Every missing or stale version in this language")),
            ("mine", _("My open assignments in this language")),
        ],
        widget=forms.RadioSelect,
        initial="chosen",
    )
    ids = forms.CharField(required=False, widget=forms.HiddenInput)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Translated file"),
        help_text=_("An XLIFF or PO file exported here, with the translations filled in."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    """Editors give work; a translator sees their own queue, overdue first."""

    list_display = ["article", "language", "translator", "due_day", "assigned_by", "returned_at"]
    list_filter = ["language", ("returned_at", admin.EmptyFieldListFilter)]
    autocomplete_fields = ["article"]
    fields = ["article", "language", "translator", "due", "note"]
    change_list_template = "admin/exchange/assignment/change_list.html"

    def get_queryset(self, request):
        rows = super().get_queryset(request).select_related("article", "translator", "assigned_by")
        if request.user.has_perm("articles.change_article"):
            return rows
        return rows.filter(translator=request.user)

    @admin.display(description=_("due"), ordering="due")
    def due_day(self, assignment):
        if assignment.is_overdue:
            return format_html('<strong class="overdue">{} · {}</strong>', assignment.due,
                               _("overdue"))  # fmt: skip
        return assignment.due

    def save_model(self, request, obj, form, change):
        if not change:
            obj.assigned_by = request.user
        super().save_model(request, obj, form, change)
        if not change or "translator" in form.changed_data:
            assignments.assigned(obj)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="exchange_export"),
            path("import/", view(self.import_view), name="exchange_import"),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {**self.admin_site.each_context(request), "opts": self.model._meta,
                "title": title, **extra}  # fmt: skip

    def export_view(self, request):
        from . import transfer

        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None, initial={"ids": request.GET.get("ids", "")})
        if request.method == "POST" and form.is_valid():
            target = form.cleaned_data["language"]
            articles = self._chosen(request, form.cleaned_data)
            jobs, left_out = transfer.export(articles, target)
            for article in left_out:
                self.message_user(request, _("“%(article)s” has no %(language)s version to "
                                             "translate from: left out.") % {
                    "article": article, "language": language_name(Article.other_language(target))},
                    messages.WARNING)  # fmt: skip
            if jobs:
                kind = form.cleaned_data["kind"]
                response = HttpResponse(
                    transfer.write(jobs, kind), content_type=transfer.FORMATS[kind][1]
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="{transfer.filename(jobs, kind)}"'
                )
                return response
            form.add_error(None, _("No article to export: choose articles with a version in the "
                                   "other language."))  # fmt: skip
        chosen = self._ids(request.GET.get("ids") or request.POST.get("ids", ""))
        context = self._context(request, _("Export for translation"), form=form,
                                chosen=Article.objects.filter(pk__in=chosen))  # fmt: skip
        return TemplateResponse(request, "admin/exchange/export.html", context)

    @staticmethod
    def _ids(text):
        return [int(part) for part in text.split(",") if part.isdigit()][:1000]

    def _chosen(self, request, data):
        target = data["language"]
        if data["scope"] == "waiting":
            articles = Article.objects.stale_in(target) | Article.objects.missing_in(target)
        elif data["scope"] == "mine":
            articles = Article.objects.filter(
                assignments__translator=request.user,
                assignments__returned_at=None,
                assignments__language=target,
            )
        else:
            articles = Article.objects.filter(pk__in=self._ids(data["ids"]))
        return [a for a in articles.distinct().order_by("pk") if may_translate(request.user, a)]

    def import_view(self, request):
        from . import transfer

        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            checked = transfer.read(upload.read(), upload.name)
            refused = [a for a in checked.accepted if not may_translate(request.user, a)]
            checked.problems += [
                _("“%(article)s” is not yours to translate.") % {"article": a} for a in refused
            ]
            written, problems = transfer.apply(checked, upload.name, request.user)
            result = {"written": written, "problems": problems, "skipped": checked.skipped,
                      "language": language_name(checked.target) if checked.target else ""}  # fmt: skip
            status = 400 if problems else 200
            context = self._context(request, _("Import a translation"), form=ImportForm(),
                                    result=result)  # fmt: skip
            return TemplateResponse(request, "admin/exchange/import.html", context, status=status)
        context = self._context(request, _("Import a translation"), form=form)
        status = 400 if form.is_bound else 200  # bound here: the upload itself was refused
        return TemplateResponse(request, "admin/exchange/import.html", context, status=status)


# The article list: an action to export the chosen articles, and who is translating each.


@admin.action(description=_("Export for translation"), permissions=["view"])
def export_for_translation(modeladmin, request, queryset):
    ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:1000])
    return redirect(f"{reverse('admin:exchange_export')}?{urlencode({'ids': ids})}")


@admin.display(description=_("translation assigned"))
def assigned_to(article):
    rows = getattr(article, "open_assignments", [])
    return format_html_join(
        ", ", "{} → {}{}",
        [(a.translator, language_name(a.language),
          format_html(' <strong class="overdue">{}</strong>', _("overdue")) if a.is_overdue else "")
         for a in rows],
    ) or "—"  # fmt: skip


ArticleAdmin.actions = [*(ArticleAdmin.actions or []), export_for_translation]
ArticleAdmin.list_display = [*ArticleAdmin.list_display, assigned_to]
ArticleAdmin.list_prefetch_related = [
    *ArticleAdmin.list_prefetch_related,
    Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(returned_at=None).select_related("translator"),
        to_attr="open_assignments",
    ),
]
