"""The editor's terminology check: what the glossary says about an article's two
languages. Warnings, never blocks; each names the term and links to its entry.

- a concept named in one language and not in the other;
- a term to avoid used where the other language names the concept (腰痛 in the Chinese
  where the English says lumbar disc herniation);
- a synonym in a heading where the glossary prefers another term.
"""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _
from modeltranslation.utils import build_localized_fieldname

from core.languages import language_codes, language_name

from . import richtext
from .models import Term


def _forms(term, language):
    with translation.override(language):
        return term.forms()


def _avoid(term, language):
    with translation.override(language):
        return term.avoided()


def _holds(text, form):
    """Whether ``text`` holds ``form``: as a string in Chinese, as words otherwise."""
    if form.isascii():
        return re.search(rf"\b{re.escape(form)}\b", text, re.IGNORECASE) is not None
    return form in text


def check(article):
    """Warnings (HTML, safe) about ``article``'s terms, for the languages it is written in."""
    languages = [code for code in language_codes() if article.is_available_in(code)]
    texts, headings = {}, {}
    for code in languages:
        body = getattr(article, build_localized_fieldname("body", code)) or ""
        parts = [getattr(article, build_localized_fieldname(name, code)) or ""
                 for name in ("title", "summary")]  # fmt: skip
        texts[code] = " ".join([*parts, richtext.plain_text(body)])
        headings[code] = [parts[0], *(text for _anchor, text in richtext.headings(body))]
    warnings = []
    for term in Term.objects.all():
        link = reverse("admin:articles_term_change", args=[term.pk])
        named = {code: any(_holds(texts[code], f) for f in _forms(term, code)) for code in texts}
        for code in languages:
            other = next((c for c in languages if c != code), None)
            if other and named[other] and not named[code]:
                for word, reason in _avoid(term, code):
                    if _holds(texts[code], word):
                        warnings.append(format_html(
                            _("The {language} uses “{word}” where the {other} names "
                              "<a href=\"{link}\">{term}</a>: {reason}"),
                            language=language_name(code), word=word, other=language_name(other),
                            link=link, term=getattr(term, build_localized_fieldname("name", code)),
                            reason=reason,
                        ))  # fmt: skip
                warnings.append(format_html(
                    _("<a href=\"{link}\">{term}</a> is in the {other} but not in the {language}."),
                    link=link, term=term, other=language_name(other), language=language_name(code),
                ))  # fmt: skip
            preferred = (_forms(term, code) or [""])[0]
            for heading in headings[code]:
                for synonym in _forms(term, code)[1:]:
                    if _holds(heading, synonym) and not _holds(heading, preferred):
                        warnings.append(format_html(
                            _("The heading “{heading}” says “{synonym}”; the glossary prefers "
                              "<a href=\"{link}\">{preferred}</a>."),
                            heading=heading, synonym=synonym, link=link, preferred=preferred,
                        ))  # fmt: skip
                        break
    return warnings
