from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    """Translation work done outside the admin: exchange files, memory, assignments."""

    name = "exchange"
    verbose_name = _("Translation")

    def ready(self):
        from articles.models import Article

        post_save.connect(article_saved, sender=Article, dispatch_uid="exchange-article-saved")


def article_saved(sender, instance, raw=False, **kwargs):
    """An article saved: the task worker puts its up-to-date translations into the memory
    (out of the request, and lxml out of the site's workers), and an open assignment whose
    language is now up to date has come back."""
    if raw:
        return
    from . import assignments, tasks

    tasks.learn.enqueue(instance.pk)
    transaction.on_commit(lambda: assignments.came_back(instance.pk))
