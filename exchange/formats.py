"""XLIFF 2.0 and PO: writing the units of articles, and reading back what a translator did.

Both carry, per article, a signed token (``transfer.sign``) that names this site, the
article, the two languages and a digest of each unit's source; a unit's codes travel as
XLIFF's ``<pc>``/``<ph>`` elements with their markup in ``<originalData>``, or in a PO file
as ``{1}…{/1}`` and ``{2/}``.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from lxml import etree

from core.languages import html_lang

from . import units as u

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"
NS = f"{{{XLIFF}}}"


class FileError(ValueError):
    """The file cannot be read at all: one line saying why."""


@dataclass
class ReadUnit:
    id: str
    source: list  # pieces, read with the site's codes
    target: list | None
    source_text: str  # as the file shows it, to name it in a message


@dataclass
class ReadArticle:
    pk: str
    token: str
    units: dict = field(default_factory=dict)  # id -> ReadUnit, or id -> problem line


# XLIFF 2.0


def _note(parent, text, category):
    note = etree.SubElement(parent, f"{NS}note", category=category)
    note.text = text


def _pieces_into(element, pieces, data_ids):
    """Write ``pieces`` as the content of ``element``: text, ``<pc>`` for pairs, ``<ph>``."""
    stack = [element]

    def add_text(text):
        current = stack[-1]
        if len(current):
            current[-1].tail = (current[-1].tail or "") + text
        else:
            current.text = (current.text or "") + text

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
        elif piece.kind == "open":
            pc = etree.SubElement(stack[-1], f"{NS}pc", id=str(piece.id))
            pc.set("dataRefStart", data_ids[(piece.id, "open")])
            pc.set("dataRefEnd", data_ids[(piece.id, "close")])
            stack.append(pc)
        elif piece.kind == "close":
            stack.pop()
        else:
            etree.SubElement(
                stack[-1], f"{NS}ph", id=str(piece.id), dataRef=data_ids[(piece.id, "mark")]
            )


def write_xliff(jobs):
    """One XLIFF 2.0 document (bytes) with a ``<file>`` per job."""
    source, target = jobs[0].source, jobs[0].target
    root = etree.Element(
        f"{NS}xliff", nsmap={None: XLIFF}, version="2.0",
        srcLang=html_lang(source), trgLang=html_lang(target),
    )  # fmt: skip
    for job in jobs:
        file = etree.SubElement(root, f"{NS}file", id=f"article-{job.article.pk}")
        file.set("original", job.article.url_in(source))
        notes = etree.SubElement(file, f"{NS}notes")
        _note(notes, job.token, "signature")
        _note(notes, str(job.article), "title")
        for unit in job.units:
            element = etree.SubElement(file, f"{NS}unit", id=unit.id)
            unit_notes = [(text, category) for text, category in job.notes(unit)]
            if unit_notes:
                box = etree.SubElement(element, f"{NS}notes")
                for text, category in unit_notes:
                    _note(box, text, category)
            data_ids = {}
            codes = [p for p in unit.source if not isinstance(p, str)]
            if codes:
                original = etree.SubElement(element, f"{NS}originalData")
                for n, code in enumerate(codes, start=1):
                    data_ids[(code.id, code.kind)] = f"d{n}"
                    etree.SubElement(original, f"{NS}data", id=f"d{n}").text = code.html
            segment = etree.SubElement(element, f"{NS}segment")
            segment.set("state", "translated" if unit.target and not unit.memory else "initial")
            _pieces_into(etree.SubElement(segment, f"{NS}source"), unit.source, data_ids)
            if unit.target:
                _pieces_into(etree.SubElement(segment, f"{NS}target"), unit.target, data_ids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _parse_xml(content):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(content, parser)
    except etree.XMLSyntaxError as error:
        raise FileError(
            _("The file is not well-formed XML: %(error)s") % {"error": error}
        ) from None


_KINDS = {"pc": "open", "ph": "mark", "sc": "open", "ec": "close"}


def _read_pieces(element):
    """The pieces of an XLIFF ``<source>`` or ``<target>``, codes by their shape only."""
    pieces = [element.text or ""]
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else None
        if name in _KINDS:
            number = child.get("startRef") if name == "ec" else child.get("id")
            if not (number or "").isdigit():
                raise ValueError(f"<{name} id={number}>")
            pieces.append(u.Code(_KINDS[name], int(number), ""))
            if name == "pc":
                pieces += _read_pieces(child)
                pieces.append(u.Code("close", int(number), ""))
        elif name == "mrk":  # an annotation of a CAT tool: its text counts
            pieces += _read_pieces(child)
        elif name is not None:
            raise ValueError(f"<{name}>")
        pieces.append(child.tail or "")
    return u.joined(pieces)


def read_xliff(content):
    """``[ReadArticle]`` from an XLIFF 2.x document."""
    root = _parse_xml(content)
    if root.tag != f"{NS}xliff" or not (root.get("version") or "").startswith("2."):
        raise FileError(_("This is not an XLIFF 2 file."))
    found = []
    for file in root.iter(f"{NS}file"):
        token = next(
            (n.text or "" for n in file.iterfind(f"{NS}notes/{NS}note")
             if n.get("category") == "signature"),
            "",
        )  # fmt: skip
        article = ReadArticle(pk=(file.get("id") or "").removeprefix("article-"), token=token)
        for unit in file.iter(f"{NS}unit"):
            unit_id = unit.get("id") or ""
            segments = unit.findall(f"{NS}segment")
            if len(segments) != 1 or segments[0].find(f"{NS}source") is None:
                article.units[unit_id] = _("its segments were split or joined")
                continue
            source, target = segments[0].find(f"{NS}source"), segments[0].find(f"{NS}target")
            try:
                read_source = _read_pieces(source)
                read_target = None if target is None else _read_pieces(target)
            except ValueError as error:
                article.units[unit_id] = _("it holds markup the site did not export: %(code)s") % {
                    "code": error}  # fmt: skip
                continue
            article.units[unit_id] = ReadUnit(
                unit_id, read_source, read_target or None, "".join(source.itertext())
            )
        found.append(article)
    return found


# PO


def _quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + escaped.replace("\t", "\\t").replace("\r", "\\r") + '"'


def write_po(jobs, token, site_name):
    """One PO file (bytes) for all jobs: ``msgctxt`` names the article and the unit."""
    source, target = jobs[0].source, jobs[0].target
    header = [
        f"Project-Id-Version: {site_name}",
        f"Language: {html_lang(target).replace('-', '_')}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "Content-Transfer-Encoding: 8bit",
        f"X-Source-Language: {html_lang(source)}",
        f"X-Signature: {token}",
    ]
    lines = ['msgid ""', 'msgstr ""', *(_quote(line + "\n") for line in header), ""]
    for job in jobs:
        for unit in job.units:
            for text, _category in job.notes(unit):
                lines += [f"#. {line}" for line in text.splitlines() or [""]]
            lines.append(f"#: {job.article.url_in(source)}")
            if unit.memory:
                lines.append("#, fuzzy")
            if unit.previous is not None:
                lines.append(f"#| msgid {_quote(u.to_text(unit.previous))}")
            lines.append(f"msgctxt {_quote(f'{job.article.pk}:{unit.id}')}")
            lines.append(f"msgid {_quote(u.to_text(unit.source))}")
            lines.append(f"msgstr {_quote(u.to_text(unit.target or []))}")
            lines.append("")
    return "\n".join(lines).encode()


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"\s*$')


def _unquote(text, line_number):
    match = _STRING.match(text.strip())
    if not match:
        raise FileError(_("Line %(line)d of the PO file is not a quoted string.") % {
            "line": line_number})  # fmt: skip
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), match.group(1))


def parse_po(content):
    """The entries of a PO file: dicts with ``msgctxt``, ``msgid``, ``msgstr`` (plurals and
    obsolete entries are not ours and are left out)."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(_("The PO file is not UTF-8.")) from None
    entries, entry, key = [], {}, None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if entry.get("msgstr") is not None:
                entries.append(entry)
                entry, key = {}, None
            continue
        keyword, _space, rest = stripped.partition(" ")
        if keyword in ("msgctxt", "msgid", "msgstr", "msgid_plural", "msgstr[0]", "msgstr[1]"):
            if keyword in ("msgctxt", "msgid") and entry.get("msgstr") is not None:
                entries.append(entry)
                entry = {}
            key = keyword
            entry[key] = _unquote(rest, number)
        elif stripped.startswith('"') and key:
            entry[key] += _unquote(stripped, number)
        else:
            raise FileError(_("Line %(line)d of the PO file cannot be read.") % {"line": number})
    if entry.get("msgstr") is not None:
        entries.append(entry)
    return entries


def read_po(content):
    """``[ReadArticle]`` from a PO file written by ``write_po`` (one signature for all)."""
    entries = parse_po(content)
    header = next((e for e in entries if e.get("msgid") == "" and "msgctxt" not in e), None)
    fields = dict(
        line.partition(": ")[::2] for line in (header or {}).get("msgstr", "").splitlines()
    )
    token = fields.get("X-Signature", "")
    articles = {}
    for entry in entries:
        if entry is header or "msgctxt" not in entry:
            continue
        pk, _colon, unit_id = entry["msgctxt"].partition(":")
        article = articles.setdefault(pk, ReadArticle(pk=pk, token=token))
        source = u.from_text(entry["msgid"])
        target = u.from_text(entry["msgstr"]) if entry["msgstr"] else None
        article.units[unit_id] = ReadUnit(unit_id, source, target or None, entry["msgid"])
    return list(articles.values())
