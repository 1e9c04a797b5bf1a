from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core import pagecache


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        import simple_history

        from . import revisions
        from .models import (
            Article,
            BodyImage,
            Category,
            Page,
            Person,
            PreviousSlug,
            Reference,
            RelatedLink,
            SiteDetails,
            Term,
            Topic,
        )

        # Revisions: registered here, after modeltranslation has added each language's
        # columns, so that every revision holds every language.
        simple_history.register(
            Article,
            m2m_fields=["authors", "related"],
            app=self.label,
            records_class=revisions.RevisionRecords,
        )
        # What each change shows on (core.pagecache): an article on lists, its own page
        # (under its old slug too), the related cards of the articles that link to it and
        # of its category's articles (the fill); categories, people and pages on every
        # page's header, bylines and lists; related links on their article's cards; references
        # on their article.
        pagecache.watch(Article, article_scopes, reads=["slug", "category"])
        for model in (Category, Person, Page, SiteDetails, Term):
            pagecache.watch(model, lambda row: [pagecache.LISTS, pagecache.CATALOG])
        pagecache.watch(
            Topic, lambda topic: [pagecache.LISTS, pagecache.CATALOG, f"topic:{topic.pk}"]
        )
        pagecache.watch(
            RelatedLink,
            lambda link: [f"related:{link.from_article.slug}"],
            reads=["from_article__slug"],
        )
        pagecache.watch(
            Reference, lambda ref: [f"article:{ref.article.slug}"], reads=["article__slug"]
        )
        # An image's credit is read when a body is rendered; which bodies show it is not
        # recorded, so its change re-renders every article (a rare edit).
        pagecache.watch(BodyImage, lambda image: [pagecache.CATALOG])
        pagecache.watch(PreviousSlug, lambda previous: [f"article:{previous.slug}"], ["slug"])
        pagecache.watch(
            Article.authors.through,
            lambda row: [
                pagecache.LISTS,
                *(article_scopes(row) if isinstance(row, Article) else [pagecache.CATALOG]),
            ],
        )
        pagecache.watch(
            Article.topics.through,
            lambda row: [pagecache.LISTS, *(article_scopes(row) if isinstance(row, Article)
                                          else [pagecache.CATALOG, f"topic:{row.pk}"])],
        )  # fmt: skip
        pagecache.register_schedule(Article.objects.next_visibility_change)
        # Related cards are rendered from their arguments: a page has them rendered again in
        # place when only they changed.
        from .templatetags.related import render_cards

        pagecache.register_part("related", render_cards)


def article_scopes(article):
    """What an article's change shows on, under its slug and category and the ones it was
    loaded with."""
    from .models import RelatedLink

    slugs = {article.slug, getattr(article, "_loaded_slug", None) or article.slug}
    categories = {article.category_id, getattr(article, "_loaded_category", None)} - {None}
    linking = RelatedLink.objects.filter(to_article_id=article.pk).values_list(
        "from_article__slug", flat=True
    )
    topics = article.topics.values_list("pk", flat=True) if article.pk else []
    return [
        pagecache.LISTS,
        *(f"article:{slug}" for slug in slugs),
        *(f"topic:{pk}" for pk in topics),
        *(f"category:{category}" for category in categories),
        *(f"related:{slug}" for slug in linking),
    ]
