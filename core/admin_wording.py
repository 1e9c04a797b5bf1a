"""Django admin strings that this site's Chinese catalog words its own way.

Django's Chinese admin says 您 where this site says 你, puts a space between a verb and
the model's name ("选择 文章 来修改"), and ends labels with an ASCII colon. Each string is listed here so that ``makemessages``
keeps it in ``locale/zh_Hans``, whose translation is found before Django's.
"""

from django.utils.translation import gettext_noop

ADMIN_STRINGS = [
    gettext_noop(":"),  # after a form field's label: 标题：
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Save and add another"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("You may edit it again below."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Forgotten your password or username?"),
    gettext_noop("Thanks for spending some quality time with the web site today."),
    gettext_noop(
        "You are authenticated as %(username)s, but are not authorized to access this page. "
        "Would you like to login to a different account?"
    ),
]
