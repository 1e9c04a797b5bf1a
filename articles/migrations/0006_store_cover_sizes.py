"""Store the width and height of covers saved before sizes were recorded."""

from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.db import migrations


def store_cover_sizes(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    missing = Article.objects.filter(cover_width__isnull=True).exclude(cover="")
    for pk, name in missing.values_list("pk", "cover"):
        try:
            with default_storage.open(name) as file:
                width, height = get_image_dimensions(file)
        except OSError:
            continue  # the file is gone; the page shows no cover size either way
        Article.objects.filter(pk=pk).update(cover_width=width, cover_height=height)


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_sitemap_lastmod_indexes")]

    operations = [migrations.RunPython(store_cover_sizes, migrations.RunPython.noop)]
