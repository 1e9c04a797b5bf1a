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
    """An article saved: its up-to-date translations go into the memory, and an open
    assignment whose language is now up to date has come back. (``transfer``, and lxml
    with it, load with the first save: a worker that only serves readers never loads them.)"""
    if raw:
        return
    from . import assignments, transfer

    transfer.learn(instance)
    transaction.on_commit(lambda: assignments.came_back(instance.pk))
