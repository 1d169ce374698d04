from pathlib import Path

from django.core.management.base import BaseCommand

from gazette.wordpress.exporter import export_wxr


class Command(BaseCommand):
    help = (
        "Export the site. `gazette export wordpress FILE.xml` writes a WordPress export "
        "(WXR 1.2) of every article, page, section, tag, author and comment, which "
        "WordPress's importer (Tools → Import → WordPress) reads. It holds commenters' "
        "email addresses: keep it private."
    )

    def add_arguments(self, parser):
        parser.add_argument("target", choices=["wordpress"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--base-url", default="", help="The site's address (default: the Wagtail site's)."
        )

    def handle(self, *args, **options):
        counts = export_wxr(options["file"], base_url=options["base_url"])
        self.stdout.write(
            f"Wrote {options['file']}: " + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
        )
