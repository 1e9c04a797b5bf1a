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

from core.languages import language_codes, language_name
from core.pagecache import PAGE

from . import glossary, query, text
from .forms import SearchForm

# Characters HTML cannot hold, left out where the query is shown again.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


@require_safe
def search(request):
    language = translation.get_language()
    form = SearchForm(request.GET if "q" in request.GET else None)
    # Over the search rate, a client is answered before it gets here (search.limits).
    shown = CONTROL.sub("", request.GET.get("q", ""))[: text.MAX_QUERY_LENGTH * 2]
    context = {"form": form, "noindex": True, "shown_query": shown, "elsewhere": []}
    if form.is_bound and form.is_valid():
        phrases = form.cleaned_data["phrases"]
        q, terms = form.cleaned_data["q"], text.query_terms(phrases)
        context["cut"] = text.cut_terms(phrases)
        # The glossary's other forms of the query in this language, each searched whole.
        also = [] if context["cut"] else glossary.other_forms(request, language, q)
        alternatives = [found for form in also if (found := text.query_terms(text.phrases(form)))]
        try:
            page = _page(request, language, terms, alternatives)
        except query.TooSlow:
            context.update(query=q, too_slow=True)
            return render(request, "search/results.html", context)
        for result in page:
            result["marked_title"] = text.snippet(result["title"], q, length=None)
            result["snippet"] = text.snippet(result["text"], q)
        context.update(page=page, query=q, page_query=urlencode({"q": q}) + "&", also=also)
        context["count_limit"] = query.COUNT_LIMIT
        if not page.paginator.count and not context["cut"]:  # a cut query is no hint
            try:
                context["elsewhere"] = _elsewhere(language, q, terms)
            except query.TooSlow:
                pass  # the hint is a courtesy
    return render(request, "search/results.html", context)


def _page(request, language, terms, alternatives=()):
    """The requested page of the first ``COUNT_LIMIT`` results: those of the query itself
    first, then those of its ``alternatives`` (the glossary's other forms of it);
    ``paginator.count`` is ``COUNT_LIMIT + 1`` when there are more."""
    number = request.GET.get("page", "1")
    if not PAGE.fullmatch(number):
        raise Http404("No such page")
    number, size = int(number), settings.ARTICLES_PER_PAGE
    found = query.matching(language, terms)
    if alternatives and len(found) <= query.COUNT_LIMIT:
        seen = set(found)
        more = [pk for pk in query.matching(language, *alternatives) if pk not in seen]
        found += more[: query.COUNT_LIMIT + 1 - len(found)]
    ids = found[(number - 1) * size : min(number * size, query.COUNT_LIMIT)]
    if not ids and number > 1:
        raise Http404("No such page")
    paginator = Paginator([], size)
    paginator.count = len(found)
    paginator.num_pages = -(-min(len(found), query.COUNT_LIMIT) // size)
    return Page(query.results(request, language, ids), number, paginator)


def _elsewhere(language, q, terms):
    """The other languages' result counts, for a search that found nothing here."""
    found = []
    for code in language_codes():
        if code == language:
            continue
        count = len(query.matching(code, terms))
        if count:
            with translation.override(code):
                url = f"{reverse('search:results')}?{urlencode({'q': q})}"
            found.append({"name": language_name(code), "count": count, "url": url, "lang": code})
    return found
