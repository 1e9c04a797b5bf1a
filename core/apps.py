from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every page needs; the apps above register what changes their pages."""

    name = "core"
    verbose_name = _("Site")

    def ready(self):
        from django.conf import settings
        from django.contrib import admin
        from django.db.models.signals import pre_save

        from .text import clean_stored_text

        post_migrate.connect(analyze_sqlite, sender=self)
        for label in settings.CLEANED_TEXT_APPS:
            for model in self.apps.get_app_config(label).get_models():
                pre_save.connect(clean_stored_text, sender=model, dispatch_uid=f"text-{model}")
        # The admin names the site, not "Django administration", in either language.
        admin.site.site_header = admin.site.site_title = settings.SITE_NAME


def analyze_sqlite(using="default", **kwargs):
    """Give SQLite's planner statistics; without them it scans articles for related links."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
