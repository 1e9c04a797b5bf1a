"""Comment emails are stored case-folded, so that erase_comments finds every variant."""

from django.db import migrations


def casefold_emails(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    for comment in Comment.objects.exclude(email="").only("email").iterator():
        if comment.email != comment.email.casefold():
            Comment.objects.filter(pk=comment.pk).update(email=comment.email.casefold())


class Migration(migrations.Migration):
    dependencies = [("comments", "0002_moderators_group")]
    operations = [migrations.RunPython(casefold_emails, migrations.RunPython.noop)]
