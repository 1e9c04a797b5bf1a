"""Query expansion from the glossary: a search for any form of a concept (腰突, 椎间盘突出,
slipped disc) also finds the articles that use its other forms in the same language.

At query time, so that editing the glossary needs no reindex; bounded, so that a query
cannot grow into hundreds of terms. The glossary's forms are read once per version of
``catalog`` (a part of every search page: ``core.pagecache.PARTS["glossary"]``), so a
search costs the same queries however long the glossary.
"""

import unicodedata

from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from articles.models import Term
from core.pagecache import remember

# The most other forms one search adds.
MAX_FORMS = 6


def _normal(text):
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _forms_by_word(language):
    """Each form of each term in ``language``, normalized: the term's other forms."""
    name, synonyms = (build_localized_fieldname(f, language) for f in ("name", "synonyms"))
    found = {}
    for term in Term.objects.only(name, synonyms):
        with translation.override(language):
            forms = term.forms()
        for form in forms:
            found.setdefault(_normal(form), [f for f in forms if _normal(f) != _normal(form)])
    return found


def other_forms(request, language, query):
    """The glossary's other forms of ``query`` in ``language`` (at most ``MAX_FORMS``), or
    ``[]`` when the query is no term's form."""
    forms = remember(request, "glossary", {"lang": language}, lambda: _forms_by_word(language))
    return forms.get(_normal(query), [])[:MAX_FORMS]
