"""Text to search terms, the same for the index and for queries, on every database.

Chinese is written without spaces, so a run of Han characters is indexed as
its overlapping character pairs and triples: 腰椎间盘 → 腰椎 椎间 间盘 腰椎间
椎间盘. A Chinese string in a query must be found whole: two characters are
one pair (腰突), three are one triple (干细胞), and a longer string needs every
one of its triples (腰椎间盘突出症: 腰椎间 椎间盘 间盘突 盘突出 突出症). That
finds any Chinese string of two or more characters wherever it occurs, with
no dictionary that could cut the query and the text differently. Other words
are case-folded and, in English, stemmed (Snowball), so that "Stem Cells"
finds "stem cell".

A query is therefore a set of terms that must all be present, with no
positions: the databases answer it from their term lists alone (no phrase
test against each article's positions, which on PostgreSQL means reading the
article's whole index entry). Both receive the terms already made, separated
by spaces, and only split them at the spaces: SQLite FTS5 and PostgreSQL
therefore find the same articles.
"""

import html
import re
import unicodedata
from functools import lru_cache

import snowballstemmer
from django.utils.safestring import mark_safe

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
TOKEN = re.compile(rf"[{HAN}]+|[^\W_{HAN}]+")
_english = snowballstemmer.stemmer("english")

MAX_QUERY_LENGTH = 200
MAX_PHRASES = 12
# The most terms one search asks the database for; a longer query is cut, and says so.
MAX_TERMS = 16


@lru_cache(maxsize=50_000)
def _word(word):
    word = word.casefold()
    return _english.stemWord(word) if word.isascii() and word.isalpha() else word


def _tokens(text):
    """The words and the runs of Han characters of ``text``, each with whether it is Han."""
    for token in TOKEN.findall(unicodedata.normalize("NFKC", text)):
        yield token, token[0] >= "\u3400" and re.match(rf"[{HAN}]", token) is not None


def _grams(run, size):
    return [run[i : i + size] for i in range(len(run) - size + 1)]


def _covering(run):
    """Triples of ``run`` that cover every character: each third one, and the last. An
    entry holding them holds the query's text much as one holding every triple would,
    for a third of the terms."""
    starts = sorted({*range(0, len(run) - 2, 3), len(run) - 3})
    return [run[i : i + 3] for i in starts]


def phrases(text):
    """``text`` as a list of phrases, each a list of terms that must all be found: one
    term for a word; for a run of Han characters its pair if it has two, else the triples
    that cover it (a single character is left out)."""
    result = []
    for token, han in _tokens(text):
        if han:
            if len(token) > 1:
                result.append([token] if len(token) == 2 else _covering(token))
        else:
            result.append([_word(token)])
    return result


def terms(text):
    """The index's terms for ``text``, separated by spaces: every word, and every pair
    and triple of each run of Han characters."""
    result = []
    for token, han in _tokens(text):
        if han:
            result += _grams(token, 2) + _grams(token, 3)
        else:
            result.append(_word(token))
    return " ".join(result)


def query_terms(phrases):
    """The distinct terms of ``phrases``, all of which an entry must hold: at most
    ``MAX_TERMS``, the first ones of the query (``cut_terms()`` says whether any were left
    out)."""
    return sorted(list(dict.fromkeys(term for phrase in phrases for term in phrase))[:MAX_TERMS])


def cut_terms(phrases):
    """Whether ``query_terms(phrases)`` left terms out."""
    return len({term for phrase in phrases for term in phrase}) > MAX_TERMS


@lru_cache(maxsize=256)
def _finder(query):
    """For ``query``: a regular expression finding the candidates, its Chinese strings
    and its words' stems (``None`` when it has neither)."""
    stems, strings = set(), set()
    for token, han in _tokens(query):
        if han:
            strings |= {token} if len(token) > 1 else set()
        else:
            stems.add(_word(token))
    patterns = [re.escape(string) for string in sorted(strings, key=len, reverse=True)]
    patterns += [rf"\b{re.escape(stem[: max(3, len(stem) - 1)])}[^\W_]*" for stem in stems]
    if not patterns:
        return None
    return re.compile("|".join(patterns), re.IGNORECASE), strings, stems


def _spans(text, query, limit=None):
    """Where the query's words (by stem) and Chinese strings occur in ``text`` (up to
    ``limit`` characters past the first), in order. A regular expression finds the
    candidates: the Chinese strings, and words starting like a stem (Snowball may
    change a stem's last letter: therapy → therapi); each word found is stemmed to check."""
    if (finder := _finder(query)) is None:
        return []
    pattern, strings, stems = finder
    spans = []
    for match in pattern.finditer(text):
        if limit is not None and spans and match.start() > spans[0][0] + limit:
            break
        found = match.group()
        if found in strings or _word(found) in stems:
            spans.append(match.span())
    return spans


def snippet(text, query, length=160):
    """About ``length`` characters of ``text`` around the query's first match (all of it
    with ``length=None``), escaped, with every match inside marked by ``<mark>``."""
    spans = _spans(text, query, limit=length)
    if length is None:
        start, end = 0, len(text)
    else:
        start = max(0, spans[0][0] - length // 3) if spans else 0
        end = min(len(text), start + length)
        # Not in the middle of a word (Chinese has no spaces and is cut anywhere).
        if start and (space := text.find(" ", start, spans[0][0])) != -1:
            start = space + 1
        if (
            end < len(text)
            and (space := text.rfind(" ", spans[0][1] if spans else start, end)) != -1
        ):
            end = space
    # Built as a string, escaped with the standard library's html.escape (what Django's
    # escape() calls), once per result and field: format_html per match cost more than
    # the search.
    pieces, position = ["…" if start else ""], start
    for left, right in spans:
        if left < position or right > end:
            continue
        pieces += [
            html.escape(text[position:left]),
            "<mark>",
            html.escape(text[left:right]),
            "</mark>",
        ]
        position = right
    pieces += [html.escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(pieces))  # noqa: S308 (every piece of text escaped above)
