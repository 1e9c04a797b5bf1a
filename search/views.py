"""Search results: ``/<language>/search/?q=``, the published articles in that language."""

import re

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from core.pagecache import PAGE

from . import query, text
from .forms import SearchForm

# Characters HTML cannot hold, left out where the query is shown again.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@require_safe
def search(request):
    language = translation.get_language()
    form = SearchForm(request.GET if "q" in request.GET else None)
    shown = CONTROL.sub("", request.GET.get("q", ""))[: text.MAX_QUERY_LENGTH * 2]
    context = {"form": form, "noindex": True, "shown_query": shown, "elsewhere": []}
    if form.is_bound and form.is_valid():
        q, phrases = form.cleaned_data["q"], form.cleaned_data["phrases"]
        page = _page(request, language, phrases)
        for result in page:
            result["marked_title"] = text.snippet(result["title"], q, length=None)
            result["snippet"] = text.snippet(result["text"], q)
        context.update(page=page, query=q, page_query=urlencode({"q": q}) + "&")
        if not page.paginator.count:
            context["elsewhere"] = _elsewhere(language, q, phrases)
    return render(request, "search/results.html", context)


def _page(request, language, phrases):
    """The requested page of results, counted by the query that ranks them."""
    number = request.GET.get("page", "1")
    if not PAGE.fullmatch(number):
        raise Http404("No such page")
    number, size = int(number), settings.ARTICLES_PER_PAGE
    rows = query.matching(language, phrases, offset=(number - 1) * size, limit=size)
    if not rows and number > 1:
        raise Http404("No such page")
    paginator = Paginator([], size)
    paginator.count = rows[0][1] if rows else 0
    return Page(query.results(language, [pk for pk, _total in rows]), number, paginator)


def _elsewhere(language, q, phrases):
    """The other languages' result counts, for a search that found nothing here."""
    found = []
    for code, name in settings.LANGUAGES:
        if code == language:
            continue
        count = query.count(code, phrases)
        if count:
            with translation.override(code):
                url = f"{reverse('search:results')}?{urlencode({'q': q})}"
            found.append({"name": name, "count": count, "url": url, "lang": code})
    return found
