from functools import partial

from django.conf import settings

from .languages import html_lang, language_links


def site(request):
    """Site-wide values for base.html; views may pass their own ``language_links``."""
    return {
        "site_name": settings.SITE_NAME,
        "html_lang": html_lang(getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)),
        # Called by the template only when it renders the switcher.
        "language_links": partial(language_links, request),
    }
