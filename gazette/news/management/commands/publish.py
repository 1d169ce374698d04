from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette.news.markdown_import import FrontMatterError, parse_file, publish_source
from gazette.news.readiness import NotReadyToPublish
from gazette.newsroom.roles import acting_user, may_import


class Command(BaseCommand):
    help = (
        "Publish articles from Markdown files with a front-matter header (title, section, "
        "authors, date, tags, summary, status, comments). Publishing a file again updates "
        "its article. Prints each article's URL. With --user, the newsroom account's role "
        "is checked first (a contributor may only save drafts) and new articles are theirs."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE.md")
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Act as this newsroom account: refused unless its role allows it.",
        )

    def handle(self, *args, **options):
        user = None
        if options["user"]:
            try:
                user = acting_user(options["user"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        failed = 0
        for name in options["files"]:
            path = Path(name)
            try:
                source = parse_file(path)
            except FrontMatterError as exc:
                failed += 1
                self.stderr.write(f"{exc.path}:{exc.line}: {exc.reason} (nothing written)")
                continue
            if user is not None:
                refusal = may_import(user=user, source=source)
                if refusal:
                    failed += 1
                    self.stderr.write(f"{path}: {refusal} (nothing written)")
                    continue
            try:
                article, created = publish_source(source)
            except NotReadyToPublish as refused:
                failed += 1
                for problem in refused.problems:
                    self.stderr.write(f"{path}: {problem}")
                self.stderr.write(f"{path}: not published (nothing written)")
                continue
            if created and user is not None:
                type(article).objects.filter(pk=article.pk).update(owner=user)
            verb = "created" if created else "updated"
            state = "published" if article.live else "draft"
            url = article.full_url if article.live else "(draft, not public)"
            self.stdout.write(f"{path}: {verb}, {state}: {url}")
        if failed:
            raise CommandError(f"{failed} of {len(options['files'])} file(s) not published.")
