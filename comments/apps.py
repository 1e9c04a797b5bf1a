from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from core import pagecache

        from . import own
        from .models import Comment

        pagecache.register_private_cookie(own.COOKIE)
        pagecache.register_uncached_parameter("reply_to")
        pagecache.register_uncached_parameter("moderating")
        pagecache.register_page_scope("articles:detail", lambda kwargs: scope(kwargs["slug"]))
        pagecache.register_response_hook(own.remember_form_seen)
        post_save.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment")
        post_delete.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment-d")


def scope(slug):
    """The page-cache scope of an article's comments: only its pages show them."""
    return f"comments:{slug}"


def comment_changed(sender, instance, origin=None, **kwargs):
    """A comment that is or was public changes its article's pages, and only those.
    Pending and spam comments are on no public page: posting one keeps the cache."""
    from articles.models import Article
    from core import pagecache

    if instance.is_or_was_public and not isinstance(origin, Article):
        # (Deleting the article bumps every page already, whatever its comments.)
        pagecache.bump(scope(instance.article.slug), origin=origin)
    instance.loaded_status = instance.status
