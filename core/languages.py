"""Links between the language versions of a page: the switcher and hreflang alternates."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import translation
from django.utils.translation import gettext_lazy as _

# What the switcher says of a language a page is not written in.
MISSING = {"zh-hans": _("No Chinese version"), "en": _("No English version")}
# A language named in a sentence, in the page's language ("英文版"; "in Chinese"); the
# switcher names each language in itself (settings.LANGUAGES).
NAMES = {"zh-hans": _("Chinese"), "en": _("English")}


def language_name(code):
    """Language ``code`` named in the active language, for a sentence."""
    return str(NAMES.get(code) or dict(settings.LANGUAGES)[code])


def language_codes():
    """The site's language codes, the default first."""
    return [code for code, _name in settings.LANGUAGES]


def html_lang(code):
    """BCP 47 tag for a Django language code: ``zh-hans`` -> ``zh-Hans``."""
    language, _sep, script = code.partition("-")
    return f"{language}-{script.title()}" if len(script) == 4 else code


class LanguageLinks(list):
    """The entries of :func:`language_links`, with the page's canonical and x-default URLs."""

    @property
    def current(self):
        return next((link for link in self if link["current"]), None)

    @property
    def x_default(self):
        available = [link for link in self if link["available"]]
        default = [link for link in available if link["code"] == settings.LANGUAGE_CODE]
        return (default or available or [None])[0]


def language_links(request, available=None, urls=None):
    """One entry per language: its name, the same page's URL in it, and whether it exists.

    ``available`` lists the languages the page exists in (an article may lack
    one); by default a page exists in every language. ``urls`` gives the page's
    URL per language when the view knows it (an article does, without the query
    string); otherwise the requested URL is translated.
    """
    current = translation.get_language()
    links = LanguageLinks()
    for code, name in settings.LANGUAGES:
        url = urls[code] if urls else _in_language(request, code, current)
        links.append(
            {
                "code": code,
                "lang": html_lang(code),
                "name": name,
                "url": url,
                "absolute_url": request.build_absolute_uri(url),
                "current": code == current,
                "available": available is None or code in available,
                "missing": MISSING.get(code, name),
            }
        )
    return links


def _in_language(request, code, current):
    """The requested URL in language ``code``; a path no view answers (a 404 page) keeps
    its path under the other language's prefix, so the switcher never points back here."""
    path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    if match is None:
        url = translate_url(path, code)
    else:  # what translate_url() does, without resolving the path again
        try:
            with translation.override(code):
                url = reverse(match.view_name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            url = path
        else:
            _path, mark, query = path.partition("?")
            url += mark + query
    prefix = f"/{current}/"
    if code != current and url == path and path.startswith(prefix):
        url = f"/{code}/{path.removeprefix(prefix)}"
    return url
