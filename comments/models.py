"""Comments that visitors post under articles, and the words that hold a comment for review."""

import functools

from django.conf import settings
from django.db import connections, models
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from articles.models import Article, read_datetime
from core.pagecache import VersionedQuerySet


class CommentQuerySet(VersionedQuerySet):
    def approved(self):
        """The one rule for what the public sees."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def thread(self, article):
        """The approved comments on ``article``'s page, oldest first: top-level rows, each
        with its ``replies``, in one query.

        Rows hold only the columns the page shows. Written in SQL because the ORM's
        query building and model instances cost more than the query (bench/README.md);
        ``approved()`` is restated here, and tests/test_page_queries.py ties the two.
        """
        rows = self._shown_rows(
            "article_id = %s AND status = %s", [article.pk, Comment.Status.APPROVED]
        )
        by_id = {row["id"]: row for row in rows}
        top = []
        for row in rows:
            if row["parent_id"] is None:
                top.append(row)
            elif parent := by_id.get(row["parent_id"]):
                parent["replies"].append(row)
        return top

    def waiting(self, article, ids):
        """The comments among ``ids`` on ``article`` that wait for a moderator, oldest first:
        a visitor's own, which only they see. In SQL too (``pending()`` restated)."""
        ids = [int(pk) for pk in ids]
        if not ids:
            return []
        where = f"article_id = %s AND status = %s AND id IN ({', '.join(['%s'] * len(ids))})"
        return self._shown_rows(where, [article.pk, Comment.Status.PENDING, *ids])

    def _shown_rows(self, where, params):
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(THREAD_FIELDS)} FROM comments_comment"  # noqa: S608 (no values in the text)
                f" WHERE {where} ORDER BY created_at, id",
                params,
            )
            rows = [dict(zip(THREAD_FIELDS, values, strict=True)) for values in cursor.fetchall()]
        for row in rows:
            row["created_at"] = read_datetime(row["created_at"])
            row["by_staff"] = bool(row["by_staff"])
            row["replies"] = []
        return rows


TEAM = gettext_noop("Editorial team")


@functools.cache
def team_names():
    """ "Editorial team" in every language of the site."""
    names = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            names.add(gettext(TEAM))
    return names


def shown_name(name, by_staff):
    """The name readers see: a staff reply signed by the editorial team says so in the
    page's language, whichever language the moderator's admin was in."""
    return gettext(TEAM) if by_staff and name in team_names() else name


THREAD_FIELDS = ("id", "parent_id", "name", "body", "language", "status", "by_staff", "created_at")


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SPAM = "spam", _("Spam")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    name = models.CharField(pgettext_lazy("commenter", "name"), max_length=80)
    email = models.EmailField(_("email"), blank=True)
    body = models.TextField(_("comment"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    spam_reason = models.CharField(_("why it was held"), max_length=200, blank=True)
    # What the visitor wrote, kept when a moderator first edits the text.
    original_body = models.TextField(_("text as posted"), blank=True, editable=False)
    by_staff = models.BooleanField(_("staff reply"), default=False)
    created_at = models.DateTimeField(_("posted"), default=timezone.now, db_index=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderators_notified_at = models.DateTimeField(
        _("moderators notified at"), null=True, blank=True, editable=False
    )
    # Its author asked to be told when it is approved or answered (comments.notifications).
    notify = models.BooleanField(_("author asked to be notified"), default=False, editable=False)
    approval_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    reply_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True, editable=False)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["article", "status", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            # The queue's "from this sender" counts.
            models.Index(fields=["email"]),
            models.Index(fields=["ip_hash"]),
        ]

    def __str__(self):
        return f"{self.name}: {self.body[:40]}"

    @classmethod
    def from_db(cls, db, field_names, values):
        comment = super().from_db(db, field_names, values)
        comment.loaded_status = comment.__dict__.get("status")
        return comment

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)  # post_save reads the status it was loaded with
        self.loaded_status = self.status

    @property
    def shown_name(self):
        return shown_name(self.name, self.by_staff)

    @property
    def is_or_was_public(self):
        """Whether saving or deleting this comment changes what visitors see."""
        approved = self.Status.APPROVED
        return approved in (self.status, getattr(self, "loaded_status", None))

    def get_absolute_url(self):
        """Where the comment stands; a waiting one is shown there to moderators only."""
        query = "" if self.status == self.Status.APPROVED else f"?moderating={self.pk}"
        return f"{self.article.url_in(self.language)}{query}#comment-{self.pk}"

    def moderate(self, status, user):
        self.status = status
        self.moderated_by = user
        self.moderated_at = timezone.now()


class DisallowedWord(models.Model):
    """A word or phrase that holds a comment for review as spam."""

    word = models.CharField(_("word or phrase"), max_length=100, unique=True)

    class Meta:
        ordering = ["word"]
        verbose_name = _("disallowed word")
        verbose_name_plural = _("disallowed words")

    def __str__(self):
        return self.word


class Subscriber(models.Model):
    """An email address that asked to hear about its comments. It is mailed nothing but the
    confirmation until it confirms, and forgotten if it never does."""

    email = models.EmailField(_("email"), unique=True)  # case-folded, as comments store it
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification subscriber")
        verbose_name_plural = _("notification subscribers")

    def __str__(self):
        return self.email
