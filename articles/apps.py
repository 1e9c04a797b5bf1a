from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        import simple_history

        from core import pagecache

        from . import revisions
        from .models import Article, Category, Page, Person, PreviousSlug, RelatedLink

        # Revisions: registered here, after modeltranslation has added each language's
        # columns, so that every revision holds every language.
        simple_history.register(
            Article,
            m2m_fields=["authors", "related"],
            app=self.label,
            records_class=revisions.RevisionRecords,
        )
        # What each change shows on (core.pagecache): an article on lists and its own page
        # (under its old slug too); categories, people and pages on every page's header,
        # bylines and lists; related links on the related cards.
        pagecache.watch(
            Article, lambda article: [pagecache.LISTS, *article_scopes(article)], reads=["slug"]
        )
        for model in (Category, Person, Page):
            pagecache.watch(model, lambda row: [pagecache.LISTS, pagecache.CATALOG])
        pagecache.watch(RelatedLink, lambda link: [pagecache.LISTS])
        pagecache.watch(PreviousSlug, lambda previous: [f"article:{previous.slug}"], ["slug"])
        pagecache.watch(
            Article.authors.through,
            lambda row: [pagecache.LISTS, *(article_scopes(row) if isinstance(row, Article)
                                          else [pagecache.CATALOG])],
        )  # fmt: skip
        pagecache.register_schedule(Article.objects.next_visibility_change)


def article_scopes(article):
    """The scopes of an article's own page, under its slug and the one it was loaded with."""
    slugs = {article.slug, getattr(article, "_loaded_slug", None) or article.slug}
    return [f"article:{slug}" for slug in slugs]
