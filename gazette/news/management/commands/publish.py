from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette.news.markdown_import import FrontMatterError, publish_file


class Command(BaseCommand):
    help = (
        "Publish articles from Markdown files with a front-matter header (title, section, "
        "authors, date, tags, summary, status, comments). Publishing a file again updates "
        "its article. Prints each article's URL."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.md")

    def handle(self, *args, **options):
        failed = 0
        for name in options["files"]:
            path = Path(name)
            try:
                article, created = publish_file(path)
            except FrontMatterError as exc:
                failed += 1
                self.stderr.write(f"{exc.path}:{exc.line}: {exc.reason} (nothing written)")
                continue
            verb = "created" if created else "updated"
            state = "published" if article.live else "draft"
            url = article.full_url if article.live else "(draft, not public)"
            self.stdout.write(f"{path}: {verb}, {state}: {url}")
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} file(s) not published.")
