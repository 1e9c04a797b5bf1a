"""The one rule for text the site stores: what a page, a feed or a sitemap can hold.

XML 1.0 forbids most control characters, surrogates and U+FFFE / U+FFFF; a feed
holding one is refused whole by strict readers, and Django's feed writer raises on
some. Every text field of the site's models is cleaned by ``clean_stored_text``
before it is saved (a ``pre_save`` receiver, ``core.apps``), whatever the path: the
admin, the ORM, the demo loader, an import.
"""

import re

# Line breaks as a word processor pastes them become newlines.
_BREAKS = re.compile(r"\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# Control characters other than tab and newline, and what XML 1.0 cannot hold.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")


def storable(text, multiline=True):
    """``text`` with line breaks made newlines (spaces where it is one line) and forbidden
    characters dropped."""
    text = _FORBIDDEN.sub("", _BREAKS.sub("\n", text))
    return text if multiline else text.replace("\n", " ")


ONE_LINE = ("CharField", "SlugField", "EmailField")


def clean_stored_text(sender, instance, **kwargs):
    """``pre_save``: every text field of ``instance`` made storable."""
    for field in sender._meta.concrete_fields:
        kind = field.get_internal_type()
        if kind in ONE_LINE or kind == "TextField":
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, storable(value, multiline=kind == "TextField"))
