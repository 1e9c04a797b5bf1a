"""An article's translatable text as units, and back.

A unit is one piece a translator translates at once: the title, the summary, the meta
description, the cover's alt text, each block of the body (heading, paragraph, list item,
quotation, caption), each body image's alt text and caption, each reference's title. Its
text is a list of pieces: strings, and codes for the inline markup (bold, italic, links,
line breaks, the citation marks ``[1]``) that the translator moves but never edits.

In a PO file the codes are written ``{1}…{/1}`` (a pair) and ``{2/}`` (one mark), a brace
of the text as ``{{`` and ``}}``; XLIFF has elements of its own (``formats``).
"""

import hashlib
import re
from dataclasses import dataclass, field

import lxml.html
from django.utils.html import escape
from modeltranslation.utils import build_localized_fieldname

from articles.models import BodyImage

# The blocks of a body whose content is one unit: those that hold no other block.
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption"}
# Inline elements that are one mark, not a pair.
SINGLE = {"br", "img", "hr"}
CITATION = re.compile(r"(\[[1-9][0-9]?\])")
# Where a block's content goes back: noncharacters, which stored text never holds (core.text).
MARKER = "\ufdd0{}\ufdd1"
MARKERS = re.compile("\ufdd0([0-9]+)\ufdd1")
FIELDS = ["title", "summary", "meta_description", "cover_alt"]


@dataclass(frozen=True)
class Code:
    """Inline markup: ``kind`` is ``open``, ``close`` or ``mark``; ``html`` what it stands
    for (a start tag, an end tag, a mark's whole markup)."""

    kind: str
    id: int
    html: str


@dataclass
class Unit:
    id: str
    source: list
    target: list | None = None
    previous: list | None = None  # the source when last translated, if it changed since
    old_target: list | None = None  # the translation of that previous source
    memory: bool = False  # the target comes from the translation memory
    codes: dict = field(default_factory=dict)  # id -> (open html, close html) or mark html

    @property
    def digest(self):
        return fingerprint(self.source)


def fingerprint(pieces):
    """A short digest of ``pieces`` (text and codes), to tell whether a source changed."""
    text = "".join(p if isinstance(p, str) else f"\x01{p.kind}{p.id}{p.html}" for p in pieces)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


# Pieces to and from the forms files hold.


def to_text(pieces):
    """``pieces`` in the PO form: ``研究{1}表明{/1}有效{2/}``."""
    out = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece.replace("{", "{{").replace("}", "}}"))
        elif piece.kind == "open":
            out.append(f"{{{piece.id}}}")
        elif piece.kind == "close":
            out.append(f"{{/{piece.id}}}")
        else:
            out.append(f"{{{piece.id}/}}")
    return "".join(out)


_TOKEN = re.compile(r"\{\{|\}\}|\{(/?)([0-9]{1,4})(/?)\}")


def from_text(text):
    """The pieces of a PO form; codes are read by their shape only (``bind`` gives them
    the site's markup)."""
    pieces, at = [], 0
    for match in _TOKEN.finditer(text):
        pieces.append(text[at : match.start()])
        at = match.end()
        token = match.group(0)
        if token in ("{{", "}}"):
            pieces.append(token[0])
            continue
        closing, number, single = match.group(1), int(match.group(2)), match.group(3)
        pieces.append(Code("close" if closing else "mark" if single else "open", number, ""))
    pieces.append(text[at:])
    return joined(pieces)


def joined(pieces):
    """``pieces`` with neighbouring strings joined and empty ones left out."""
    out = []
    for piece in pieces:
        if isinstance(piece, str) and out and isinstance(out[-1], str):
            out[-1] += piece
        elif piece != "":
            out.append(piece)
    return out


def bind(pieces, source):
    """``pieces`` read from a file with each code replaced by the code of ``source`` (the
    site's pieces) of the same kind and number. Raises ValueError naming a code that is
    not one of the source's, as the PO form writes it."""
    codes = {(p.kind, p.id): p for p in source if not isinstance(p, str)}
    bound = []
    for piece in pieces:
        if not isinstance(piece, str):
            if (piece.kind, piece.id) not in codes:
                raise ValueError(to_text([piece]))
            piece = codes[(piece.kind, piece.id)]
        bound.append(piece)
    return bound


def check_codes(source, target):
    """What is wrong with the codes of ``target`` against ``source``: a list of the codes
    missing, repeated or out of order (``{2}``), empty when every one is back and balanced."""
    wanted = [p for p in source if not isinstance(p, str)]
    found = [p for p in target if not isinstance(p, str)]
    problems = [to_text([code]) for code in wanted if found.count(code) < 1]
    problems += [to_text([code]) for code in set(found) if found.count(code) > 1]
    stack = []
    for code in found:
        if code.kind == "open":
            stack.append(code.id)
        elif code.kind == "close":
            if not stack or stack.pop() != code.id:
                problems.append(to_text([code]))
    problems += [f"{{{number}}}" for number in stack]
    order = [to_text([code]) for code in wanted]  # as the source has them
    return sorted(set(problems), key=lambda shown: (order.index(shown) if shown in order
                                                    else len(order), shown))  # fmt: skip


def to_html(pieces):
    """A body block's content: text escaped, codes as their markup."""
    return "".join(escape(p) if isinstance(p, str) else p.html for p in pieces)


def to_plain(pieces):
    """A plain field's text (a title): its only codes are citation marks, written as is."""
    return "".join(p if isinstance(p, str) else p.html for p in pieces)


def align(source, target):
    """``target`` (pieces of a translation made elsewhere, numbered its own way) with its
    codes renumbered as the codes of ``source`` with the same markup, in order; None when
    they do not correspond one to one."""
    free = [p for p in source if not isinstance(p, str)]
    pairs, out = {}, []
    for piece in target:
        if isinstance(piece, str):
            out.append(piece)
            continue
        if piece.kind == "close":
            match = pairs.pop(piece.id, None)
            if match is None:
                return None
            out.append(next(p for p in source if not isinstance(p, str)
                            and p.kind == "close" and p.id == match))  # fmt: skip
            continue
        match = next((p for p in free if p.kind == piece.kind and p.html == piece.html), None)
        if match is None:
            return None
        free.remove(match)
        if piece.kind == "open":
            free = [p for p in free if not (p.kind == "close" and p.id == match.id)]
            pairs[piece.id] = match.id
        out.append(match)
    return out if not free and not pairs else None


# Fields and bodies to units.


def _start_tag(element):
    attributes = "".join(f' {name}="{escape(value)}"' for name, value in element.attrib.items())
    return f"<{element.tag}{attributes}>"


def _text_pieces(text, counter):
    pieces = []
    for part in CITATION.split(text):
        if CITATION.fullmatch(part):
            pieces.append(Code("mark", next(counter), part))
        elif part:
            pieces.append(part)
    return pieces


def _inline(element, counter):
    """The pieces of a block's content."""
    pieces = _text_pieces(element.text or "", counter)
    for child in element:
        if not isinstance(child.tag, str):  # a comment
            pass
        elif child.tag in SINGLE:
            markup = lxml.html.tostring(child, encoding="unicode", with_tail=False)
            pieces.append(Code("mark", next(counter), markup))
        else:
            number = next(counter)
            pieces.append(Code("open", number, _start_tag(child)))
            pieces += _inline(child, counter)
            pieces.append(Code("close", number, f"</{child.tag}>"))
        pieces += _text_pieces(child.tail or "", counter)
    return joined(pieces)


def _numbers():
    n = 0
    while True:
        n += 1
        yield n


def _is_block(element):
    return isinstance(element.tag, str) and element.tag in BLOCKS | {"ul", "ol", "figure"}


def body_blocks(body):
    """``(skeleton, blocks)``: the body with each block's content replaced by a marker, and
    each block's content as pieces, in order. Images lose their alt text in the skeleton:
    the target language's comes from the image (``BodyImage.stored_body``)."""
    root = lxml.html.fragment_fromstring(body or "", create_parent="div")
    blocks = []
    for element in list(root.iter()):
        if element is root or not isinstance(element.tag, str):
            continue
        if element.tag == "img":
            element.attrib.pop("alt", None)
        if element.tag in BLOCKS and not any(_is_block(child) for child in element):
            pieces = _inline(element, _numbers())
            if not any(isinstance(p, str) and p.strip() for p in pieces):
                continue  # nothing to translate: kept as it is
            blocks.append(pieces)
            for child in list(element):
                element.remove(child)
            element.text = MARKER.format(len(blocks) - 1)
    skeleton = (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )
    return skeleton, blocks


def fill(skeleton, blocks_html):
    """A body from its skeleton and each block's translated HTML."""
    return MARKERS.sub(lambda match: blocks_html[int(match.group(1))], skeleton)


def _value(obj, name, language):
    return getattr(obj, build_localized_fieldname(name, language)) or ""


def _field_pieces(text):
    return _text_pieces(text, _numbers()) if text else []


def extract(article, language, values=None):
    """The units of ``article`` in ``language`` as a dict id -> pieces (``values``: the
    article's translated fields as they were, from a revision, for the fields and body).
    Also returns the body's skeleton."""
    values = values or {}
    get = lambda name: values[name] if name in values else _value(article, name, language)  # noqa: E731
    units = {}
    for name in FIELDS:
        if name == "cover_alt" and not article.cover:
            continue
        if text := get(name):
            units[name] = _field_pieces(text)
    skeleton, blocks = body_blocks(get("body"))
    for n, pieces in enumerate(blocks, start=1):
        units[f"body-{n}"] = pieces
    if not values:  # images and references as they are now
        for _tag, _attrs, image in BodyImage._images(get("body")):
            for name in ("alt", "caption"):
                if image is not None and (text := _value(image, name, language)):
                    units[f"image-{image.pk}-{name}"] = _field_pieces(text)
        for reference in article.references.all():
            if text := _value(reference, "title", language):
                units[f"reference-{reference.pk}-title"] = _field_pieces(text)
    return units, skeleton


def current(article, key, language):
    """The text in ``language`` of an image or reference unit, as pieces, or None."""
    kind, _dash, rest = key.partition("-")
    if kind == "image":
        pk, _dash, name = rest.partition("-")
        obj = BodyImage.objects.filter(pk=pk).first()
    else:
        name, obj = "title", article.references.filter(pk=rest.removesuffix("-title")).first()
    text = _value(obj, name, language) if obj is not None else ""
    return _field_pieces(text) if text else None
