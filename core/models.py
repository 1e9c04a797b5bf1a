"""The versions cached pages are keyed by, kept in the database that holds the content."""

from django.db import models


class PageVersion(models.Model):
    """A counter per scope of pages (``site``, ``lists``, ``comments:<slug>``).

    It is bumped in the same transaction as the change it stands for, so it
    survives any loss or restore of the cache and never goes backwards with the
    content: a page cached under an older value is never served again.
    """

    scope = models.CharField(max_length=200, primary_key=True)
    version = models.BigIntegerField(default=0)
    # The next moment pages of this scope change by themselves (a scheduled publication).
    next_change = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.scope} v{self.version}"
