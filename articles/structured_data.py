"""Structured data for search engines: schema.org JSON-LD, built with ``json.dumps``.

``<``, ``>`` and ``&`` are written as JSON escapes, so that no title or
summary (``</script>`` in a title, say) can end the block it sits in.
"""

import json

from django.conf import settings
from django.core.files.storage import default_storage
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.languages import html_lang

ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}
CONTEXT = "https://schema.org"


def script_blocks(*blocks):
    """``<script type="application/ld+json">`` elements for ``blocks`` (dicts)."""
    scripts = (
        f'<script type="application/ld+json">{json.dumps(block, ensure_ascii=False).translate(ESCAPES)}</script>'
        for block in blocks
    )
    return mark_safe("".join(scripts))  # noqa: S308 (escaped above)


def publisher(request):
    return {
        "@type": "Organization",
        "name": str(settings.SITE_NAME),
        "url": request.build_absolute_uri(reverse("articles:home")),
        "logo": {"@type": "ImageObject", "url": request.build_absolute_uri(static("favicon.svg"))},
    }


def website(request):
    """The home page's ``WebSite``."""
    return script_blocks(
        {
            "@context": CONTEXT,
            "@type": "WebSite",
            "name": str(settings.SITE_NAME),
            "url": request.build_absolute_uri(reverse("articles:home")),
            "inLanguage": html_lang(get_language()),
            "publisher": publisher(request),
            "potentialAction": {
                "@type": "SearchAction",
                "target": {
                    "@type": "EntryPoint",
                    "urlTemplate": request.build_absolute_uri(reverse("search:results"))
                    + "?q={search_term_string}",
                },
                "query-input": "required name=search_term_string",
            },
        }
    )


def person(request, person):
    data = {
        "@type": "Person",
        "name": str(person),
        "url": request.build_absolute_uri(person.get_absolute_url()),
    }
    if person.job_title:
        data["jobTitle"] = person.job_title
    if person.credentials:
        data["honorificSuffix"] = person.credentials
    if person.institution:
        data["affiliation"] = {"@type": "Organization", "name": person.institution}
    return data


def reference(entry):
    """A reference as a ``CreativeWork``: only what the editor gave."""
    data = {"@type": "CreativeWork"}
    if entry.shown_title:
        data["name"] = entry.shown_title
    if entry.authors:
        data["author"] = entry.authors
    if entry.shown_container:
        data["isPartOf"] = {"@type": "Periodical", "name": entry.shown_container}
    if entry.year:
        data["datePublished"] = str(entry.year)
    if entry.link:
        data["url"] = entry.link
    if entry.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": entry.doi}
    return data


def article(request, article):
    """An article's ``Article`` and its ``BreadcrumbList`` (home › its main topic or its
    category › article).

    The medical reviewer and the last review's date belong to the page (schema.org's
    ``reviewedBy`` and ``lastReviewed`` are ``WebPage`` properties). An article without
    authors names the publisher as its author.
    """
    url = request.build_absolute_uri(article.get_absolute_url())
    organization = publisher(request)
    page = {"@type": "WebPage", "@id": url}
    if article.reviewer:
        page["reviewedBy"] = person(request, article.reviewer)
        if article.reviewed_at:
            page["lastReviewed"] = article.reviewed_at.isoformat()
    authors = [person(request, author) for author in article.author_list]
    data = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": article.title[:110],
        "description": article.description,
        "datePublished": article.publish_at.isoformat(),
        "dateModified": article.text_changed_at.isoformat(),
        "inLanguage": html_lang(get_language()),
        "mainEntityOfPage": page,
        "url": url,
        "author": authors or organization,
        "publisher": organization,
    }
    if article.reference_list:
        data["citation"] = [reference(entry) for entry in article.reference_list]
    if article.original_title:
        data["isBasedOn"] = {"@type": "CreativeWork", "name": article.original_title}
        if article.original_url:
            data["isBasedOn"]["url"] = article.original_url
    if article.translator:
        data["translator"] = person(request, article.translator)
    images = [name for _width, _height, name in article.cover_renditions.get("jpg", [])]
    if images:
        data["image"] = [request.build_absolute_uri(default_storage.url(name)) for name in images]
    section = article.main_topic or article.category
    crumbs = [
        (str(settings.SITE_NAME), organization["url"]),
        (str(section), request.build_absolute_uri(section.get_absolute_url())),
        (article.title, url),
    ]
    breadcrumbs = {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": item}
            for n, (name, item) in enumerate(crumbs, start=1)
        ],
    }
    return script_blocks(data, breadcrumbs)


def defined_term(request, term):
    """A glossary term's ``DefinedTerm``, in the site's ``DefinedTermSet``."""
    forms = term.forms()
    data = {
        "@context": CONTEXT,
        "@type": "DefinedTerm",
        "name": term.name,
        "description": term.definition,
        "url": request.build_absolute_uri(term.get_absolute_url()),
        "inLanguage": html_lang(get_language()),
        "inDefinedTermSet": {"@type": "DefinedTermSet", "name": str(settings.SITE_NAME)},
    }
    if forms[1:]:
        data["alternateName"] = forms[1:]
    return script_blocks(data)
