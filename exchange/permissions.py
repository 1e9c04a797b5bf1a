"""Who may do translation work on an article: its editors, and the translator it is
assigned to while the assignment is open (an object permission, asked as
``user.has_perm("articles.translate_article", article)``)."""

TRANSLATE = "articles.translate_article"


class AssignmentBackend:
    """Grants ``articles.translate_article`` on an article to the translator of its open
    assignment; nothing else, and no login of its own."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user, perm, obj=None):
        if perm != TRANSLATE or obj is None or not user.is_active:
            return False
        from .models import Assignment

        return Assignment.objects.filter(article=obj, translator=user, returned_at=None).exists()


def may_translate(user, article):
    """Editors may translate any article; a translator the ones assigned to them."""
    return user.has_perm("articles.change_article") or user.has_perm(TRANSLATE, article)
