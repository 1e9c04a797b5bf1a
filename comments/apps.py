from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "comments"
    verbose_name = _("Comments")

    def ready(self):
        from django.db.models.signals import post_save

        from core import pagecache

        from . import moderation, notifications, own
        from .models import Comment

        pagecache.register_private_cookie(own.COOKIE)
        pagecache.register_uncached_parameter("reply_to")
        pagecache.register_uncached_parameter("moderating")
        pagecache.register_response_hook(own.remember_form_seen)
        pagecache.register_schedule(moderation.next_closing)
        pagecache.watch(Comment, comment_scopes, reads=["status", "article__slug"])
        post_save.connect(notifications.on_save, sender=Comment, dispatch_uid="comments-notify")


def comment_scopes(comment):
    """A comment shows on its article's pages only, and only while it is (or when it was)
    approved: posting one that waits for a moderator changes no page."""
    return [f"comments:{comment.article.slug}"] if comment.is_or_was_public else []
