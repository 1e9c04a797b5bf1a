from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every page needs; the apps above register what changes their pages."""

    name = "core"
    verbose_name = _("Site")

    def ready(self):
        post_migrate.connect(analyze_sqlite, sender=self)


def analyze_sqlite(using="default", **kwargs):
    """Give SQLite's planner statistics; without them it scans articles for related links."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
