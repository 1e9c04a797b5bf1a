"""Dates as the site shows them, written out per language.

Each function gives what Django's ``date`` filter gives for the language's
``DATE_FORMAT`` (tests compare them) in a few microseconds instead of about fifty:
an article page shows a date for every related article and every comment.
"""

from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

# English month names as Django's English catalog has them (MONTHS_AP and MONTHS): plain
# strings, because a lazy translation costs more to read than the rest of a date.
MONTHS_AP_EN = (None, "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.",
                "Oct.", "Nov.", "Dec.")  # fmt: skip
MONTHS_EN = (None, "January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip


def _date_zh_hans(moment):
    return f"{moment.year}年{moment.month}月{moment.day}日"  # Y年n月j日


def _date_en(moment):
    return f"{MONTHS_AP_EN[moment.month]} {moment.day}, {moment.year}"  # N j, Y


def _datetime_zh_hans(moment):
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment.hour:02}:{moment.minute:02}"


def _datetime_en(moment):
    return f"{MONTHS_EN[moment.month]} {moment.day}, {moment.year}, {moment.hour:02}:{moment.minute:02}"


DATE = {"zh-hans": _date_zh_hans, "en": _date_en}
DATETIME = {"zh-hans": _datetime_zh_hans, "en": _datetime_en}


def machine(moment):
    """The ``datetime`` attribute: local time to the second, with its UTC offset."""
    return moment.isoformat(timespec="seconds")


def time_element(moment):
    """``<time>`` with the machine-readable moment and the date in the active language."""
    moment = timezone.localtime(moment)
    shown = DATE.get(get_language(), _date_en)(moment)
    return mark_safe(f'<time datetime="{machine(moment)}">{shown}</time>')  # noqa: S308 (digits and month names)
