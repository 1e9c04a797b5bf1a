"""Reviewers read articles and sign them off; Editors also edit references and the site's
details."""

from django.db import migrations

from core.roles import grant, grant_only


def grant_groups(apps, schema_editor):
    grant(apps, "Editors", "articles", ["reference", "sitedetails"])
    grant_only(
        apps, "Reviewers", "articles",
        ["view_article", "sign_off_article", "view_category", "view_person", "view_reference"],
    )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_medical_review")]

    operations = [migrations.RunPython(grant_groups, migrations.RunPython.noop)]
