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
        pagecache.refresh_on_change(
            Article, Category, RelatedLink, PreviousSlug, Person, Page, Article.authors.through
        )
        pagecache.register_schedule(Article.objects.next_visibility_change)
