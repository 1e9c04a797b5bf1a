"""Assignments as they change: given to a translator (who is mailed), and back when the
translation is up to date (the editor who gave it is mailed). Mails go through the task
queue, written in the same transaction as the change."""

from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from core.hosts import absolute_url
from core.languages import language_codes, language_name

from .models import Assignment


def assigned(assignment):
    from .tasks import mail_assigned

    transaction.on_commit(lambda: mail_assigned.enqueue(assignment.pk))


def came_back(article_pk, imported=None):
    """Close the open assignments of the article whose language is up to date and was
    written since it was assigned, or was just imported (``imported``: its language)."""
    from .tasks import mail_returned

    open_ones = Assignment.objects.filter(article_id=article_pk, returned_at=None)
    for assignment in open_ones.select_related("article"):
        article = assignment.article
        changed = getattr(article, article.status_field("changed", assignment.language))
        written = imported == assignment.language or (changed and changed >= assignment.created_at)
        if article.translation_status(assignment.language) == "current" and written:
            assignment.returned_at = timezone.now()
            assignment.save(update_fields=["returned_at"])
            mail_returned.enqueue(assignment.pk)


def _in_each_language(write):
    """A staff mail's text in every language of the site, the default first: staff read
    either, and the site does not know which one each prefers."""
    parts = []
    for code in language_codes():
        with translation.override(code):
            parts.append(write())
    return parts


def assigned_mail(assignment):
    """``(subject, body)`` of the mail to the translator."""

    def write():
        return (
            _("Translation for you: %(article)s") % {"article": assignment.article},
            _("%(editor)s asked you to translate “%(article)s” into %(language)s by %(due)s.")
            % {
                "editor": assignment.assigned_by or _("An editor"),
                "article": assignment.article,
                "language": language_name(assignment.language),
                "due": formats.date_format(assignment.due),
            }
            + (f"\n\n{assignment.note}" if assignment.note else "")
            + "\n\n" + _("Your translation queue: %(url)s") % {
                "url": absolute_url(reverse("admin:exchange_assignment_changelist"))}
        )  # fmt: skip

    parts = _in_each_language(write)
    return " / ".join(subject for subject, _body in parts), "\n\n---\n\n".join(b for _s, b in parts)


def returned_mail(assignment):
    """``(subject, body)`` of the mail to the editor who assigned the work."""

    def write():
        return (
            _("Translation back: %(article)s") % {"article": assignment.article},
            _("%(translator)s finished the %(language)s translation of “%(article)s”.")
            % {
                "translator": assignment.translator,
                "article": assignment.article,
                "language": language_name(assignment.language),
            }
            + "\n\n" + absolute_url(
                reverse("admin:articles_article_change", args=[assignment.article_id]))
        )  # fmt: skip

    parts = _in_each_language(write)
    return " / ".join(subject for subject, _body in parts), "\n\n---\n\n".join(b for _s, b in parts)
