from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = _("Articles")

    def ready(self):
        from core import pagecache

        from .models import Article, Category, Page, Person, PreviousSlug, RelatedLink

        pagecache.refresh_on_change(
            Article, Category, RelatedLink, PreviousSlug, Person, Page, Article.authors.through
        )
        pagecache.register_schedule(Article.objects.next_visibility_change)
