"""Dates as the site shows them, in each language's format from Django's own locale data.

``formatter(language, "DATE_FORMAT")`` reads the language's format string and
its words (month names, a.m./p.m.) once, and returns a function that writes a
date as Django's ``date`` filter does (tests compare them) without looking up
a translation per call: an article page shows a date for every related article
and every comment.
"""

import datetime
from functools import cache

from django.conf import settings
from django.utils import dates, formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

MONTH_NAMES = {"months": dates.MONTHS, "months_ap": dates.MONTHS_AP, "months_3": dates.MONTHS_3}
# Words of Django's own catalog, looked up by name so that they stay out of ours.
DJANGO_WORDS = ("a.m.", "p.m.", "AM", "PM", "midnight", "noon")


def _12_hour(moment):
    return moment.hour % 12 or 12


def _f(moment):
    return f"{_12_hour(moment)}:{moment.minute:02}" if moment.minute else str(_12_hour(moment))


def _P(moment, words):  # noqa: N802 (Django's name for the format character)
    if moment.minute == 0 and moment.hour in (0, 12):
        return words["midnight" if moment.hour == 0 else "noon"]
    return f"{_f(moment)} {words['p.m.' if moment.hour > 11 else 'a.m.']}"


# Django's format characters (django.utils.dateformat) for dates and times of day.
PARTS = {
    "d": lambda m, w: f"{m.day:02}",
    "j": lambda m, w: str(m.day),
    "m": lambda m, w: f"{m.month:02}",
    "n": lambda m, w: str(m.month),
    "N": lambda m, w: w["months_ap"][m.month],
    "F": lambda m, w: w["months"][m.month],
    "M": lambda m, w: w["months_3"][m.month].title(),
    "b": lambda m, w: w["months_3"][m.month],
    "y": lambda m, w: f"{m.year % 100:02}",
    "Y": lambda m, w: str(m.year),
    "H": lambda m, w: f"{m.hour:02}",
    "G": lambda m, w: str(m.hour),
    "h": lambda m, w: f"{_12_hour(m):02}",
    "g": lambda m, w: str(_12_hour(m)),
    "i": lambda m, w: f"{m.minute:02}",
    "s": lambda m, w: f"{m.second:02}",
    "a": lambda m, w: w["p.m." if m.hour > 11 else "a.m."],
    "A": lambda m, w: w["PM" if m.hour > 11 else "AM"],
    "f": lambda m, w: _f(m),
    "P": _P,
}


def _words(language):
    """Month names and time words in ``language``, as plain strings."""
    with translation.override(language):
        words = {
            name: [None, *(str(table[n]) for n in range(1, 13))]
            for name, table in MONTH_NAMES.items()
        }
        words.update({word: translation.gettext(word) for word in DJANGO_WORDS})
    return words


def _parse(fmt):
    """A Django format string as literal text and format-character functions."""
    pieces, escaped = [], False
    for char in fmt:
        if escaped or not (char.isascii() and char.isalpha()) and char != "\\":
            pieces.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in PARTS:
            pieces.append(PARTS[char])
        else:
            raise ValueError(f"format character {char!r} of {fmt!r} is not supported here")
    return pieces


@cache
def formatter(language, format_name):
    """A function writing a moment in ``language``'s ``format_name`` (e.g. ``DATE_FORMAT``)."""
    if language not in dict(settings.LANGUAGES):
        raise LookupError(f"{language!r} is not one of the site's languages")
    pieces = _parse(formats.get_format(format_name, lang=language))
    words = _words(language)

    def write(moment):
        return "".join(
            piece if isinstance(piece, str) else piece(moment, words) for piece in pieces
        )

    return write


def show_date(moment):
    """The date in the active language, in the site's time zone."""
    return formatter(get_language(), "DATE_FORMAT")(timezone.localtime(moment))


def show_datetime(moment):
    """The date and time in the active language, in the site's time zone."""
    return formatter(get_language(), "DATETIME_FORMAT")(timezone.localtime(moment))


def machine(moment):
    """The ``datetime`` attribute: local time to the second, with its UTC offset."""
    return moment.isoformat(timespec="seconds")


def time_element(moment):
    """``<time>`` with the machine-readable moment (or day, for a date) and the date in
    the active language."""
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment)
        stamp = machine(moment)
    else:
        stamp = moment.isoformat()
    shown = escape(formatter(get_language(), "DATE_FORMAT")(moment))  # words from catalogs
    return mark_safe(f'<time datetime="{stamp}">{shown}</time>')  # noqa: S308
