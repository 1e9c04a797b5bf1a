from functools import partial

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .languages import html_lang, language_links


def site(request):
    """Site-wide values for base.html; views may pass their own ``language_links``."""
    return {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,  # never the Host a request names
        "html_lang": html_lang(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)),
        # Computed once, and only when the template uses them.
        "language_links": SimpleLazyObject(partial(language_links, request)),
    }
