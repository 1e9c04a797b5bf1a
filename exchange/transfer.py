"""Export articles for translation, and import what comes back.

An export names, per article, the units of the source language, with the current
translation of each unit that has not changed since it was last translated, else a match
from the translation memory, and a note of what changed. Each article's part of the file
is signed: this site, the article, the languages, and a digest of each unit's source.

An import checks everything before it writes anything (``Checked``): a problem in any
unit refuses the whole file; a unit whose source changed on the site since the export,
or that is not translated, is skipped and named. Then each article gets the units that
came back, through the model's own cleaning and sanitizer, in one transaction, with a
revision "Imported from <file>", and is marked up to date when nothing was skipped.
"""

from dataclasses import dataclass, field
from functools import partial

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from articles.models import Article, BodyImage, Reference
from core.languages import html_lang, language_codes

from . import formats
from . import units as u
from .assignments import came_back
from .models import Memory

SALT = "exchange.file"
FORMATS = {"xliff": ("xlf", "application/xliff+xml"), "po": ("po", "text/x-gettext-translation")}


@dataclass
class Job:
    """One article's units from ``source`` into ``target``."""

    article: Article
    source: str
    target: str
    units: list
    token: str = ""

    def notes(self, unit):
        """``(text, category)`` for the translator, per unit."""
        notes = []
        if unit.previous is not None:
            notes.append((_("Changed since the last translation. Before: %(text)s")
                          % {"text": u.to_text(unit.previous)}, "changed"))  # fmt: skip
            if unit.old_target:
                notes.append((_("Its translation then: %(text)s")
                              % {"text": u.to_text(unit.old_target)}, "changed"))  # fmt: skip
        if unit.memory:
            notes.append((_("From the translation memory: this text was translated before, "
                            "word for word. Check that it fits here."), "memory"))  # fmt: skip
        return notes


def _past_values(article, target):
    """The source language's fields as they were when ``target`` was last written
    against them, or None."""
    source = Article.other_language(target)
    past = article.revision_at_sync(target)
    if past is None:
        return None
    return {
        name: getattr(past, build_localized_fieldname(name, source)) or ""
        for name in [*u.FIELDS, "body"]
    }


def _units(article, source, target):
    """The units of ``article`` from ``source`` into ``target``, each with its current
    translation where it still holds, else the memory's, else nothing."""
    now, _skeleton = u.extract(article, source)
    present, _ = u.extract(article, target) if article.is_available_in(target) else ({}, "")
    status = article.translation_status(target)
    past = _past_values(article, target) if status == "stale" else None
    before = u.extract(article, source, values=past)[0] if past is not None else None
    body_now = [k for k in now if k.startswith("body-")]
    body_target = [k for k in present if k.startswith("body-")]
    body_before = [k for k in (before or {}) if k.startswith("body-")]
    # Which unit of the source as it was each unit now is (same content), in order.
    was = {}
    if before is not None:
        unused = list(body_before)
        for key in body_now:
            same = next((k for k in unused if before[k] == now[key]), None)
            if same:
                unused.remove(same)
                was[key] = same
    paired_by_position = len(body_target) == len(body_before if before is not None else body_now)
    unknown = status == "stale" and before is None  # stale since when: carry nothing
    units = []
    for key, pieces in now.items():
        unit = u.Unit(key, pieces)
        if unknown:
            translated = None
        elif key.startswith("body-"):
            old_key = key if before is None else was.get(key)
            translated = present.get(old_key) if old_key and paired_by_position else None
            if before is not None and old_key is None:
                position = body_now.index(key)
                unit.previous = before.get(body_before[position]) if position < len(
                    body_before) else None  # fmt: skip
                if unit.previous is not None and paired_by_position:
                    unit.old_target = present.get(body_target[position])
        elif key.startswith(("image-", "reference-")):
            translated = u.current(article, key, target)
        else:
            translated = present.get(key)
            if before is not None and key in u.FIELDS and before.get(key) != pieces:
                unit.previous, unit.old_target, translated = before.get(key) or [], translated, None
        if translated is not None:
            unit.target = u.align(pieces, translated)
        units.append(unit)
    _from_memory([unit for unit in units if not unit.target], source, target)
    return units


def _from_memory(units, source, target):
    found = {
        entry.key: entry.target
        for entry in Memory.objects.filter(
            source_language=source, target_language=target, key__in=[x.digest for x in units]
        )
    }
    for unit in units:
        if unit.digest in found:
            try:
                unit.target = u.bind(u.from_text(found[unit.digest]), unit.source)
                unit.memory = True
            except ValueError:
                pass


def export(articles, target):
    """``(jobs, left out)``: a job per article that has a source language to translate
    from, and the articles that do not."""
    source = Article.other_language(target)
    jobs, left_out = [], []
    for article in articles:
        if not article.is_available_in(source):
            left_out.append(article)
            continue
        job = Job(article, source, target, _units(article, source, target))
        job.token = sign(source, target, {article.pk: job.units})
        jobs.append(job)
    return jobs, left_out


def sign(source, target, units_by_article):
    payload = {
        "s": source,
        "t": target,
        "a": {str(pk): {x.id: x.digest for x in units} for pk, units in units_by_article.items()},
    }
    return signing.dumps(payload, salt=SALT, compress=True)


def write(jobs, kind):
    """The file's bytes in ``kind`` (``xliff`` or ``po``)."""
    if kind == "xliff":
        return formats.write_xliff(jobs)
    token = sign(jobs[0].source, jobs[0].target, {job.article.pk: job.units for job in jobs})
    return formats.write_po(jobs, token, str(settings.SITE_NAME))


def filename(jobs, kind):
    extension = FORMATS[kind][0]
    target = html_lang(jobs[0].target)
    if len(jobs) == 1:
        return f"{jobs[0].article.slug}.{target}.{extension}"
    return f"articles-{len(jobs)}.{target}.{extension}"


# Import.


@dataclass
class Checked:
    """What a file would change: per article, the units that came back; the units left
    out and why; the problems that refuse the whole file."""

    problems: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    accepted: dict = field(default_factory=dict)  # article -> {unit id: pieces}
    incomplete: set = field(default_factory=set)  # articles with a unit skipped
    target: str = ""


def read(content, name):
    """Read an exported file back and check it against the site. Writes nothing."""
    checked = Checked()
    try:
        head = content.lstrip()[:200]
        is_xml = head.startswith(b"<?xml") or head.startswith(b"<xliff")
        parts = formats.read_xliff(content) if is_xml else formats.read_po(content)
    except formats.FileError as error:
        checked.problems.append(str(error))
        return checked
    if not parts:
        checked.problems.append(_("The file holds no article."))
    for part in parts:
        _check_part(checked, part)
    return checked


def _check_part(checked, part):
    try:
        payload = signing.loads(part.token, salt=SALT)
    except signing.BadSignature:
        checked.problems.append(
            _("The file (or its part “%(part)s”) was not exported by this site, or its "
              "signature was edited.") % {"part": part.pk})  # fmt: skip
        return
    digests = payload["a"].get(part.pk)
    if digests is None:
        checked.problems.append(_("Part “%(part)s” names an article its signature does not.") % {
            "part": part.pk})  # fmt: skip
        return
    if checked.target and checked.target != payload["t"]:
        checked.problems.append(_("The file mixes target languages."))
        return
    checked.target, source = payload["t"], payload["s"]
    article = Article.objects.filter(pk=part.pk).first()
    if article is None:
        checked.problems.append(_("Article %(part)s no longer exists.") % {"part": part.pk})
        return
    now = u.extract(article, source)[0]
    label = str(article)
    accepted = checked.accepted.setdefault(article, {})
    for unit_id in part.units.keys() - digests.keys():
        checked.problems.append(_("“%(article)s”, unit %(unit)s: it was not exported.") % {
            "article": label, "unit": unit_id})  # fmt: skip
    for unit_id, digest in digests.items():
        say = lambda text, unit_id=unit_id: _("“%(article)s”, unit %(unit)s: %(text)s") % {  # noqa: E731
            "article": label, "unit": unit_id, "text": text}  # fmt: skip
        read_unit = part.units.get(unit_id)
        current = now.get(unit_id)
        if current is None or u.fingerprint(current) != digest:
            checked.skipped.append(say(_("its source changed on the site since the export.")))
            checked.incomplete.add(article)
            continue
        if read_unit is None:
            checked.skipped.append(say(_("it is not in the file.")))
            checked.incomplete.add(article)
            continue
        if isinstance(read_unit, str):
            checked.problems.append(say(read_unit))
            continue
        try:
            source_pieces = u.bind(read_unit.source, current)
            target_pieces = u.bind(read_unit.target, current) if read_unit.target else None
        except ValueError as error:
            checked.problems.append(say(_("the placeholder %(code)s is not one of its source.")
                                        % {"code": error}))  # fmt: skip
            continue
        if u.fingerprint(source_pieces) != digest:
            checked.problems.append(say(_("its source text was edited in the file.")))
            continue
        if (
            target_pieces is None
            or not "".join(p for p in target_pieces if isinstance(p, str)).strip()
        ):
            checked.skipped.append(say(_("it is not translated.")))
            checked.incomplete.add(article)
            continue
        wrong = u.check_codes(current, target_pieces)
        if wrong:
            checked.problems.append(say(_("placeholders missing, repeated or out of order: "
                                          "%(codes)s.") % {"codes": " ".join(wrong)}))  # fmt: skip
            continue
        accepted[unit_id] = target_pieces


def apply(checked, name, user):
    """Write what ``checked`` accepted, if it found no problem: ``(articles written,
    problems)``. All or nothing."""
    if checked.problems:
        return [], checked.problems
    written = []
    try:
        with transaction.atomic():
            for article, accepted in checked.accepted.items():
                incomplete = article in checked.incomplete
                if not accepted:
                    continue
                if _write(article, accepted, checked.target, incomplete, name, user):
                    written.append(article)
                    transaction.on_commit(partial(came_back, article.pk, checked.target))
                else:
                    checked.skipped.append(
                        _(
                            "“%(article)s” was not imported: a first version needs its whole "
                            "title and body."
                        )
                        % {"article": article}
                    )
    except ValidationError as error:
        return [], [str(message) for message in error.messages]
    return written, []


def _write(article, accepted, target, incomplete, name, user):
    source = Article.other_language(target)
    synced_before = getattr(article, Article.status_field("synced", target))
    for key in u.FIELDS:
        if key in accepted:
            setattr(article, build_localized_fieldname(key, target), u.to_plain(accepted[key]))
    now, skeleton = u.extract(article, source)
    body_keys = [key for key in now if key.startswith("body-")]
    if body_keys and all(key in accepted for key in body_keys):
        blocks = [u.to_html(accepted[key]) for key in body_keys]
        body = u.fill(skeleton, blocks)
    elif body_keys:
        body = None  # a body is written whole or not at all
    else:
        body = skeleton
    title = getattr(article, build_localized_fieldname("title", target))
    if not article.is_available_in(target) and (body is None or not title):
        return False  # a first version has its title and its body, or is not written
    images = {}
    for key, pieces in accepted.items():
        kind, _dash, rest = key.partition("-")
        if kind == "image":
            pk, _dash, field_name = rest.partition("-")
            image = images.get(pk) or images.setdefault(pk, BodyImage.objects.get(pk=pk))
            setattr(image, build_localized_fieldname(field_name, target), u.to_plain(pieces))
        elif kind == "reference":
            reference = Reference.objects.get(pk=rest.removesuffix("-title"), article=article)
            setattr(reference, build_localized_fieldname("title", target), u.to_plain(pieces))
            reference.full_clean()
            reference.save()
    for image in images.values():
        image.full_clean()
        image.save()
    if body is not None:
        setattr(article, build_localized_fieldname("body", target), body)
    if not incomplete:
        article.mark_translation_current(target)
    # A translation: the source stays up to date as it was (``Article._record_changes``).
    article.minor_change = True
    try:
        article.full_clean()
    except ValidationError as error:
        raise ValidationError(
            [
                f"“{article}”: {message}"
                for messages in error.message_dict.values()
                for message in messages
            ]  # fmt: skip
        ) from None
    article._change_reason = _("Imported from %(file)s") % {"file": name}
    article._history_user = user
    article.save()
    if incomplete:  # what came back is in, but the version is not up to date
        Article.objects.filter(pk=article.pk).update(
            **{Article.status_field("synced", target): synced_before}
        )
    return True


# The translation memory.


def learn(article):
    """Remember the units of ``article`` whose translation is up to date, both ways."""
    entries = []
    for target in language_codes():
        source = Article.other_language(target)
        if not article.is_available_in(source) or article.translation_status(target) != "current":
            continue
        if not article.is_available_in(target):
            continue
        now, _skeleton = u.extract(article, source)
        present, _ = u.extract(article, target)
        body_now = [k for k in now if k.startswith("body-")]
        body_present = [k for k in present if k.startswith("body-")]
        if len(body_now) != len(body_present):  # not written block for block: only fields
            now = {k: v for k, v in now.items() if not k.startswith("body-")}
        for key, pieces in now.items():
            translated = present.get(key)
            aligned = u.align(pieces, translated) if translated else None
            if aligned:
                entries.append(Memory(
                    source_language=source, target_language=target, key=u.fingerprint(pieces),
                    source=u.to_text(pieces), target=u.to_text(aligned), article=article,
                ))  # fmt: skip
    if entries:
        unique = {(e.source_language, e.target_language, e.key): e for e in entries}
        Memory.objects.bulk_create(
            list(unique.values()),
            update_conflicts=True,
            unique_fields=["source_language", "target_language", "key"],
            update_fields=["source", "target", "article", "updated_at"],
        )
