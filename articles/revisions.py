"""Revisions of articles (django-simple-history), read as an editor reads them.

Every save of an article, from any path, writes a revision with its fields in
every language, its authors and its related links (``RevisionRecords``); the
admin writes one revision per save of the form, after the links are saved.
Here revisions become sentences ("修改了 标题（English）和 正文（English）"), a
diff per field and language (text, not HTML), and a restore, itself a revision.
"""

import difflib
import re

from django.db import transaction
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname
from simple_history.models import HistoricalRecords

from core.languages import language_codes, language_name

from . import richtext

TRANSLATED = ["title", "summary", "body", "cover_alt", "meta_description"]
SHARED = ["slug", "category", "status", "publish_at", "comments_open", "reviewer", "reviewed_at"]
# Kept as they were when a revision is restored; written by save() or by the database.
# What a restore leaves as it is: the row's identity, and the medical review (an event, not
# content: restoring an older text makes the sign-off older than the text by itself).
NOT_RESTORED = {
    "id", "created_at", "updated_at",
    "reviewer_id", "reviewed_at", "signed_off_at", "review_note",
}  # fmt: skip


class RevisionRecords(HistoricalRecords):
    """simple-history's records, reachable from the model as ``Article.revisions``, so
    that the admin can write a revision once an article's links are saved too."""

    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        sender.revisions = self

    def record(self, instance, created=False):
        self.create_historical_record(instance, "+" if created else "~")


def _language_name(code):
    return language_name(code)


def changed_fields(old, new):
    """``(field label, language name or None, field name)`` for what differs between two
    revisions (``old`` may be None: the first revision)."""
    found = []
    model = new.instance._meta
    for name in TRANSLATED:
        for code in language_codes():
            column = build_localized_fieldname(name, code)
            if old is None or (getattr(old, column) or "") != (getattr(new, column) or ""):
                if old is None and not getattr(new, column):
                    continue
                found.append(
                    (str(model.get_field(name).verbose_name), _language_name(code), column)
                )
    for name in SHARED + ["cover"]:
        attname = model.get_field(name).attname
        if old is not None and getattr(old, attname) != getattr(new, attname):
            found.append((str(model.get_field(name).verbose_name), None, attname))
    if old is not None:
        for label, rows in [(_("authors"), _authors), (_("related articles"), _links)]:
            if rows(old) != rows(new):
                found.append((str(label), None, None))
    return found


def sentence(old, new):
    """What a revision did, as a sentence: "Changed title (English) and body (English)."""
    if old is None:
        return _("Created.")
    fields = [
        _("%(field)s (%(language)s)") % {"field": label, "language": language}
        if language
        else label
        for label, language, _name in changed_fields(old, new)
    ]
    if not fields:
        return _("Saved without changes.")
    listed = (
        fields[0]
        if len(fields) == 1
        else _("%(first)s and %(last)s")
        % {
            "first": _(", ").join(fields[:-1]),
            "last": fields[-1],
        }
    )
    return _("Changed %(fields)s.") % {"fields": listed}


def _authors(record):
    return [row.person_id for row in record.authors.all()]


def _links(record):
    return [
        (row.to_article_id, row.sort_order)
        for row in record.related.order_by("sort_order", "to_article_id")
    ]


_PIECES = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|\w+|\s+|[^\w\s]", re.UNICODE)


CONTEXT = 60  # characters of unchanged text kept on each side of a change


def text_diff(old, new):
    """Two texts (HTML is read as its text) with what was removed in ``<del>`` and what was
    added in ``<ins>``: Chinese by the character, other languages by the word. Long
    unchanged stretches are shortened to their ends (…)."""
    old_pieces = _PIECES.findall(richtext.plain_text(old or ""))
    new_pieces = _PIECES.findall(richtext.plain_text(new or ""))
    parts = []
    matcher = difflib.SequenceMatcher(None, old_pieces, new_pieces, autojunk=False)
    opcodes = matcher.get_opcodes()
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        removed, added = "".join(old_pieces[i1:i2]), "".join(new_pieces[j1:j2])
        if op == "equal":
            first, last = n == 0, n == len(opcodes) - 1
            if len(removed) > 2 * CONTEXT and not (first and last):
                head = "" if first else removed[:CONTEXT]
                tail = "" if last else removed[-CONTEXT:]
                removed = f"{head}…{tail}"
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts))  # noqa: S308 (escaped above)


def field_diffs(old, new):
    """The diff of each text field that changed between two revisions, per language."""
    texts = {build_localized_fieldname(n, c) for n in TRANSLATED for c in language_codes()}
    return [
        {
            "field": label,
            "language": language,
            "diff": text_diff(getattr(old, name), getattr(new, name)),
        }
        for label, language, name in changed_fields(old, new)
        if name in texts
    ]


@transaction.atomic
def restore(article, record, user=None):
    """Bring back ``record``'s fields, authors and related links; the restore is itself a
    revision (with a note), which can be restored from in turn."""
    from .models import RelatedLink

    past = record.instance
    for field in article._meta.concrete_fields:
        # The translation stamps stay: save() records what the restore changes.
        if field.attname not in NOT_RESTORED and not field.attname.startswith(
            ("changed_", "synced_")
        ):
            setattr(article, field.attname, getattr(past, field.attname))
    article.skip_history_when_saving = True
    try:
        article.save()
        article.authors.set(_authors(record))
        article.related_links.all().delete()
        RelatedLink.objects.bulk_create(
            RelatedLink(from_article=article, to_article_id=to, sort_order=order)
            for to, order in _links(record)
        )
    finally:
        del article.skip_history_when_saving
    article._change_reason = _("Restored the revision of %(date)s") % {
        "date": timezone.localtime(record.history_date).strftime("%Y-%m-%d %H:%M")
    }
    if user is not None:
        article._history_user = user
    type(article).revisions.record(article)
    return article
