"""The one HTML allow-list for article bodies.

The rich-text editor offers exactly these elements; everything else is
removed by nh3 on every save path (admin form, ORM, demo loader).
"""

import html
import re
from functools import partial

import nh3
from django.utils.html import escape
from django.utils.text import slugify
from django.utils.translation import gettext

from core.text import storable

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,  # the lists need it
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False},
    # Uploaded images only (articles.models.BodyImage), with an optional caption.
    "Figure": True,
    "Image": True,
    "Caption": True,
    # An editor's note (编者按) is a quotation marked as one: readers see a labelled note.
    "NodeClass": {
        "cssClasses": {
            "blockquote": [{"className": "editor-note", "title": "编者按 · Editor's note"}]
        }
    },
}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote", "a",
    "figure", "figcaption", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "h2": {"id"},
    # What BodyImage.img_tag writes; an image that is no uploaded BodyImage is removed.
    "img": {"src", "srcset", "sizes", "width", "height", "alt", "loading", "decoding", "data-file"},
}

EDITOR_NOTE = "editor-note"

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    allowed_classes={"blockquote": {EDITOR_NOTE}},
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_EMPTY = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


_SPACES = re.compile(r"\s+")
# Block elements end a word; inline ones (strong, em, a) sit inside one (腰<strong>突</strong>).
_BLOCK = re.compile(
    r"<(?=/?(?:p|h[1-6]|li|ul|ol|blockquote|br|hr|div|figure|figcaption|table|tr|td|th)\b)"
)
_H2 = re.compile(r"<h2(?: id=\"[^\"]*\")?>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")


def sanitize(html):
    """Return ``html`` reduced to the allow-list, each ``<h2>`` with its anchor (see
    ``_anchor``); an empty editor becomes ``""``."""
    if not html:
        return ""
    cleaned = _cleaner.clean(storable(html)).replace(' class=""', "")  # a class not allowed
    if _EMPTY.match(cleaned):
        return ""
    taken = set()

    def anchored(match):
        anchor = _anchor(match.group(1), taken)
        return f'<h2 id="{anchor}">{match.group(1)}</h2>'

    return _H2.sub(anchored, cleaned)


def _anchor(heading, taken):
    """The heading's words as its id (引言, introduction): the same on every save while the
    heading stays, so links to a section keep working; a repeated one gets -2, -3."""
    text = html.unescape(_TAG.sub("", heading))
    base = slugify(text, allow_unicode=True) or "section"
    anchor, n = base, 1
    while anchor in taken:
        n += 1
        anchor = f"{base}-{n}"
    taken.add(anchor)
    return anchor


def plain_text(markup):
    """The readable text of sanitized HTML, block elements kept apart by spaces."""
    text = html.unescape(nh3.clean(_BLOCK.sub(" <", markup), tags=set()))
    return _SPACES.sub(" ", text).strip()


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W\d_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def reading_minutes(markup):
    """Minutes to read: Chinese at about 400 characters a minute, other languages at
    about 230 words a minute; at least one."""
    text = plain_text(markup)
    return max(1, round(len(_HAN.findall(text)) / 400 + len(_WORD.findall(text)) / 230))


def headings(body):
    """The table of contents of a sanitized body: ``(anchor, text)`` per ``<h2>``."""
    return [
        (anchor, html.unescape(_TAG.sub("", text)))
        for anchor, text in re.findall(r'<h2 id="([^"]*)">(.*?)</h2>', body, re.S)
    ]


_NOTE = re.compile(r'<blockquote class="editor-note">(.*?)</blockquote>', re.S)
_CITATION = re.compile(r"\[([1-9][0-9]?)\]")
_TEXT_OR_TAG = re.compile(r"(<[^>]+>)")


def for_readers(body, references, terms=()):
    """A sanitized ``body`` as the article page shows it: each editor's note an
    ``<aside>`` labelled 编者按 / Editor's note, each citation mark ``[n]`` (n at most
    ``references``) a link to the n-th reference, and the first use of each of ``terms``
    (``(forms, url)`` pairs: a glossary entry's words and its page) a link to its page.
    Marks and terms inside links and headings stay text."""
    label = escape(gettext("Editor’s note"))
    body = _NOTE.sub(
        lambda m: (
            f'<aside class="editor-note" aria-label="{label}">'
            f'<p class="editor-note-label" aria-hidden="true">{label}</p>{m.group(1)}</aside>'
        ),
        body,
    )
    if not references and not terms:
        return body
    pending = [(_term_pattern(forms), url) for forms, url in terms if forms]
    pieces, in_link, in_heading = [], False, False
    for piece in _TEXT_OR_TAG.split(body):
        if piece.startswith("<"):
            in_link = piece.startswith("<a ") or (in_link and piece != "</a>")
            in_heading = bool(_HEADING_OPEN.match(piece)) or (
                in_heading and not _HEADING_CLOSE.match(piece)
            )
        elif not in_link:
            if references:
                piece = _CITATION.sub(partial(_cite, references), piece)
            if not in_heading:
                piece = _link_terms(piece, pending)
        pieces.append(piece)
    return "".join(pieces)


_HEADING_OPEN = re.compile(r"<h[1-6][\s>]")
_HEADING_CLOSE = re.compile(r"</h[1-6]>")


def _term_pattern(forms):
    """One pattern for a term's forms as they appear in escaped text, longest first; Latin
    words whole and in any case."""
    alternatives = [
        rf"\b{re.escape(escape(form))}\b" if form.isascii() else re.escape(escape(form))
        for form in sorted(forms, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _link_terms(text, pending):
    """``text`` with the first match of each pending term linked; a linked term leaves
    ``pending``. Inserted links are skipped by later terms (they split the text)."""
    for entry in list(pending):
        pattern, url = entry
        parts = _TEXT_OR_TAG.split(text)
        for i, part in enumerate(parts):
            if part.startswith("<") or (i and parts[i - 1].startswith("<a ")):
                continue
            match = pattern.search(part)
            if match:
                parts[i] = (
                    f'{part[: match.start()]}<a class="term" href="{escape(url)}">'
                    f"{match.group(0)}</a>{part[match.end() :]}"
                )
                pending.remove(entry)
                break
        text = "".join(parts)
    return text


def _cite(references, match):
    n = int(match.group(1))
    if n > references:
        return match.group(0)
    label = escape(gettext("Reference %(number)s") % {"number": n})
    return f'<sup class="cite"><a href="#ref-{n}" aria-label="{label}">[{n}]</a></sup>'
