from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self):
        from core import pagecache

        from . import index

        index.connect_signals()
        # Every query is a page of its own: none is stored by the page cache.
        pagecache.register_uncached_parameter("q")
