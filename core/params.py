"""Values visitors send in query strings and cookies, read strictly."""

import re

ID = re.compile(r"[0-9]{1,18}")


def parse_id(value):
    """A row id: ASCII digits only (``str.isdigit`` also takes ``²``), else None."""
    return int(value) if isinstance(value, str) and ID.fullmatch(value) else None
