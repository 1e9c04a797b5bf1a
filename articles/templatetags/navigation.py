"""The site header's categories and search box, and the footer, on every public page."""

from django import template
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname

from ..models import Category, Page, SiteDetails, site_query

register = template.Library()


@register.inclusion_tag("includes/site_nav.html")
def site_nav():
    name = build_localized_fieldname("name", get_language())
    categories = site_query(Category).only("slug", name).order_by("slug")
    return {"categories": [(c.get_absolute_url(), getattr(c, name) or c.slug) for c in categories]}


@register.inclusion_tag("includes/category_overview.html")
def category_overview():
    """The categories with their descriptions, for the home page."""
    language = get_language()
    name, description = (build_localized_fieldname(f, language) for f in ("name", "description"))
    categories = site_query(Category).only("slug", name, description).order_by("slug")
    return {
        "categories": [
            (c.get_absolute_url(), getattr(c, name) or c.slug, getattr(c, description))
            for c in categories
        ]
    }


@register.inclusion_tag("includes/site_footer.html", takes_context=True)
def site_footer(context):
    """Copyright, contact, the About and privacy pages (when written in this language),
    the ICP licence number when set."""
    title = build_localized_fieldname("title", get_language())
    pages = site_query(Page).filter(slug__in=["about", "privacy"]).exclude(**{title: ""})
    return {
        "site_name": context.get("site_name"),
        "details": SiteDetails.current(),
        "pages": {page.slug: page for page in pages.only("slug", title)},
    }


@register.inclusion_tag("includes/newest.html")
def newest_articles(count=5):
    """The newest articles in the active language, as links: where a page found nothing
    (a 404, a search without results), somewhere to go next."""
    from ..views import listing

    return {"articles": listing(get_language())[:count]}
