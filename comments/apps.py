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
        post_save.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment")
        post_delete.connect(comment_changed, sender=Comment, dispatch_uid="pages-Comment-d")


def comment_changed(sender, instance, **kwargs):
    """Pending and spam comments are on no public page: posting one keeps the cache."""
    from core import pagecache

    if instance.is_or_was_public:
        pagecache.invalidate()
    instance.loaded_status = instance.status
