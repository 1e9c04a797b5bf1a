"""The moderation queue: pending comments first, bulk decisions, staff replies."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.params import parse_id

from . import notifications
from .models import TEAM, Comment, DisallowedWord


def _moderate(modeladmin, request, queryset, status):
    with transaction.atomic():
        newly = []
        if status == Comment.Status.APPROVED:  # update() sends no post_save: say it here
            newly = list(
                Comment.objects.filter(pk__in=queryset.values("pk"))
                .exclude(status=status)
                .only("pk", "parent", "notify", "email")
            )
        count = queryset.update(
            status=status, moderated_by=request.user, moderated_at=timezone.now()
        )
        notifications.approved(newly)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)d comment marked “%(status)s”.",
            "%(count)d comments marked “%(status)s”.",
            count,
        )
        % {"count": count, "status": Comment.Status(status).label},
        messages.SUCCESS,
    )


@admin.action(description=_("Approve selected comments"), permissions=["change"])
def approve(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.APPROVED)


@admin.action(description=_("Reject selected comments"), permissions=["change"])
def reject(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.REJECTED)


@admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
def mark_spam(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.SPAM)


@admin.action(description=_("Not spam: back to the queue"), permissions=["change"])
def not_spam(modeladmin, request, queryset):
    _moderate(modeladmin, request, queryset, Comment.Status.PENDING)


class StaffReplyInline(admin.StackedInline):
    """Moderators answer a comment here; their reply is published as a staff reply."""

    model = Comment
    fk_name = "parent"
    extra = 1
    fields = ["name", "body", "status"]
    verbose_name = _("staff reply")
    verbose_name_plural = _("staff replies")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name_field = formset.form.base_fields["name"]
        # The name readers see: the staff member's own, never their login name.
        name_field.initial = request.user.get_full_name() or _(TEAM)
        formset.form.base_fields["status"].initial = Comment.Status.APPROVED
        return formset


def same_sender(comment_pk):
    """Comments from the sender of ``comment_pk``: the same email, or the same address hash."""
    comment = Comment.objects.filter(pk=comment_pk).values("email", "ip_hash").first() or {}
    match = Q(pk=comment_pk)
    if comment.get("email"):
        match |= Q(email=comment["email"])
    if comment.get("ip_hash"):
        match |= Q(ip_hash=comment["ip_hash"])
    return match


class SenderFilter(admin.SimpleListFilter):
    """Reached from a row's "from this sender" count; shown only while it applies."""

    title = _("sender")
    parameter_name = "sender"

    def lookups(self, request, model_admin):
        value = self.value()
        return [(value, _("Same sender as #%(id)s") % {"id": value})] if value else []

    def queryset(self, request, queryset):
        pk = parse_id(self.value())
        return queryset.filter(same_sender(pk)) if pk is not None else queryset


ROW_DECISIONS = [
    (Comment.Status.APPROVED, _("Approve")),
    (Comment.Status.SPAM, _("Spam")),
    (Comment.Status.REJECTED, _("Reject")),
]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    change_list_template = "admin/comments/comment/change_list.html"

    list_display = [
        "excerpt",
        "name",
        "status",
        "held_because",
        "from_sender",
        "language",
        "article_link",
        "created_at",
        "decide",
    ]
    list_display_links = ["excerpt"]
    list_filter = [
        "status",
        "language",
        "by_staff",
        ("article", admin.RelatedOnlyFieldListFilter),
        SenderFilter,
    ]
    search_fields = ["name", "body"]
    list_select_related = ["article"]
    list_per_page = 50
    actions = [approve, reject, mark_spam, not_spam]
    date_hierarchy = "created_at"
    readonly_fields = [
        "article_link",
        "parent",
        "language",
        "created_at",
        "spam_reason",
        "moderated_by",
        "moderated_at",
        "original_body",
    ]
    fields = [
        "article_link",
        "parent",
        "name",
        "email",
        "body",
        "original_body",
        "status",
        "language",
        "created_at",
        "spam_reason",
        "moderated_by",
        "moderated_at",
    ]
    inlines = [StaffReplyInline]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/moderate/<str:status>/",
                view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, status):
        """One click on a row: POST only (with the form's CSRF token), then back to the queue
        with a message that can undo it."""
        if request.method != "POST" or status not in Comment.Status.values:
            raise Http404
        comment = get_object_or_404(Comment, pk=pk)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        previous = comment.status
        comment.moderate(status, request.user)
        comment.save()
        undo = reverse("admin:comments_comment_moderate", args=[comment.pk, previous])
        self.message_user(
            request,
            format_html(
                '{} <form method="post" action="{}" class="inline-undo">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<button type="submit" class="button">{}</button></form>',
                _("“%(comment)s” marked “%(status)s”.")
                % {
                    "comment": Truncator(comment.body).chars(30),
                    "status": comment.get_status_display(),
                },
                undo,
                get_token(request),
                _("Undo"),
            ),
            messages.SUCCESS,
        )
        back = request.META.get("HTTP_REFERER", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = reverse("admin:comments_comment_changelist")
        return redirect(back)

    def changelist_view(self, request, extra_context=None):
        counts = dict(Comment.objects.values_list("status").annotate(n=Count("id")).order_by())
        current = request.GET.get("status__exact")
        tabs = [
            {
                "status": status,
                "label": label,
                "count": counts.get(status, 0),
                "current": current == status,
            }
            for status, label in Comment.Status.choices
        ]
        return super().changelist_view(request, {"status_tabs": tabs, **(extra_context or {})})

    @admin.display(description=_("decide"))
    def decide(self, comment):
        """One-click buttons: they submit the list's form (and its CSRF token) to
        ``moderate_view``; the reply link opens the comment with its reply form."""
        buttons = format_html_join(
            " ",
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            [
                (reverse("admin:comments_comment_moderate", args=[comment.pk, status]), label)
                for status, label in ROW_DECISIONS
                if comment.status != status
            ],
        )
        reply = ""
        if comment.parent_id is None:
            url = reverse("admin:comments_comment_change", args=[comment.pk])
            reply = format_html(
                ' <a class="button" href="{}#replies-group">{}</a>', url, _("Reply")
            )
        return format_html("{}{}", buttons, reply)

    def get_queryset(self, request):
        others = Comment.objects.exclude(pk=OuterRef("pk")).filter(
            Q(email=OuterRef("email"), email__gt="")
            | Q(ip_hash=OuterRef("ip_hash"), ip_hash__gt="")
        )
        count = others.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
        return super().get_queryset(request).annotate(sender_count=Coalesce(Subquery(count), 0))

    @admin.display(description=_("from this sender"), ordering="sender_count")
    def from_sender(self, comment):
        """How many other comments the same sender wrote (email or address), linked."""
        if not comment.sender_count:
            return "—"
        url = reverse("admin:comments_comment_changelist")
        return format_html(
            '<a href="{}?sender={}">{}</a>',
            url,
            comment.pk,
            ngettext("%(count)d other", "%(count)d others", comment.sender_count)
            % {"count": comment.sender_count},
        )

    @admin.display(description=_("why held"))
    def held_because(self, comment):
        return comment.spam_reason or "—"

    def get_ordering(self, request):
        # The queue: pending first, then the newest.
        pending_first = Case(
            When(status=Comment.Status.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return [pending_first.asc(), "-created_at"]

    def has_add_permission(self, request):
        return False  # visitors write comments; staff reply from a comment's page

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None and obj.parent_id is None else []

    @admin.display(description=_("comment"))
    def excerpt(self, comment):
        """The comment's start; a reply says which comment it answers."""
        text = Truncator(comment.body).chars(80)
        if comment.parent_id:
            return format_html(
                '<span class="reply-to">{}</span> {}',
                _("In reply to comment #%(id)s:") % {"id": comment.parent_id}, text,
            )  # fmt: skip
        return text

    @admin.display(description=_("article"), ordering="article")
    def article_link(self, comment):
        return format_html(
            '<a href="{}" target="_blank">{}</a>', comment.get_absolute_url(), comment.article
        )

    def save_model(self, request, obj, form, change):
        if "status" in form.changed_data:
            obj.moderate(obj.status, request.user)
        if change and "body" in form.changed_data and not obj.original_body:
            obj.original_body = form.initial["body"]  # the visitor's words stay readable
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        replies = formset.save(commit=False)
        for reply in replies:
            if reply.pk is None:
                reply.article = form.instance.article
                reply.language = form.instance.language
                reply.by_staff = True
            reply.moderate(reply.status, request.user)
            reply.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(DisallowedWord)
class DisallowedWordAdmin(admin.ModelAdmin):
    list_display = ["word"]
    search_fields = ["word"]
