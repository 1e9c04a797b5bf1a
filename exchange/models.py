"""Translation work: who translates which article into which language by when, and the
translation memory that pre-fills what was translated before."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from core.languages import language_name


class Assignment(models.Model):
    """An article's language given to a translator, due on a day; open until the
    translation comes back up to date."""

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="assignments"
    )
    language = models.CharField(_("into"), max_length=10, choices=settings.LANGUAGES)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translator"),
        on_delete=models.CASCADE,
        related_name="translation_assignments",
        limit_choices_to={"groups__name": "Translators", "is_active": True},
    )
    due = models.DateField(_("due"))
    note = models.TextField(_("note for the translator"), blank=True, max_length=2000)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True, editable=False)

    class Meta:
        ordering = [models.F("returned_at").asc(nulls_first=True), "due", "pk"]
        verbose_name = _("translation assignment")
        verbose_name_plural = _("translation assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"],
                condition=models.Q(returned_at=None),
                name="one_open_assignment_per_version",
                violation_error_message=_(
                    "This language of the article is already assigned; edit that assignment."
                ),
            )
        ]

    def __str__(self):
        return f"{self.article} → {language_name(self.language)}"

    @property
    def is_overdue(self):
        return self.returned_at is None and self.due < timezone.localdate()


class Memory(models.Model):
    """A unit translated before: its source (with its markup) in one language and its
    translation, both as a PO file writes them. Exact matches only (``key``)."""

    source_language = models.CharField(max_length=10)
    target_language = models.CharField(max_length=10)
    key = models.CharField(max_length=16)
    source = models.TextField()
    target = models.TextField()
    # Where it was learned; it goes with that article (the memory holds the site's own texts).
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("translation memory entry")
        constraints = [
            models.UniqueConstraint(
                fields=["source_language", "target_language", "key"], name="one_memory_per_source"
            )
        ]

    def __str__(self):
        return f"{self.source[:40]} → {self.target[:40]}"
