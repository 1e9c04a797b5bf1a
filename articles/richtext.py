"""The one HTML allow-list for article bodies.

The rich-text editor offers exactly these elements; everything else is
removed by nh3 on every save path (admin form, ORM, demo loader).
"""

import re

import nh3

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
}

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener noreferrer nofollow",
    strip_comments=True,
)
_EMPTY = re.compile(r"^\s*(<p>\s*(<br>)?\s*</p>\s*)*$")


def sanitize(html):
    """Return ``html`` reduced to the allow-list; an empty editor becomes ``""``."""
    if not html:
        return ""
    cleaned = _cleaner.clean(html)
    return "" if _EMPTY.match(cleaned) else cleaned
