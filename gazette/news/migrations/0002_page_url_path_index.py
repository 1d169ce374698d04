"""An index on Wagtail's page url_path: Gazette finds every page it serves by its URL path
(gazette.news.serving), which without it is a scan of the whole page table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS gazette_page_url_path ON wagtailcore_page (url_path)",
            "DROP INDEX IF EXISTS gazette_page_url_path",
        ),
    ]
