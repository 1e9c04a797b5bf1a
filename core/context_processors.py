from functools import partial

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import pagecache
from .languages import html_lang, language_links


def site(request):
    """Site-wide values for base.html; views may pass their own ``language_links``.

    ``page_stamp`` and ``fragment_seconds`` key the ``{% cache %}`` fragments of
    a page's parts: a fragment is rendered again whenever what the page depends
    on changes (``core.pagecache``).
    """
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,  # never the Host a request names
        "html_lang": html_lang(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)),
        # Computed once, and only when the template uses them.
        "language_links": SimpleLazyObject(partial(language_links, request)),
        "page_stamp": partial(pagecache.page_stamp, request),
        "site_stamp": partial(pagecache.site_stamp, request),
        "fragment_seconds": settings.PAGE_CACHE_SECONDS,
        # The page number as asked for, for the keys of fragments that show it (a missing
        # one looked up as request.GET.page costs a failed attribute lookup on QueryDict).
        "requested_page": request.GET.get("page", ""),
    }
