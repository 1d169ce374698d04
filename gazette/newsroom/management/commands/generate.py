from django.core.management.base import BaseCommand, CommandError

from gazette.cache import purge_all
from gazette.newsroom.generate import GenerateError, generate


class Command(BaseCommand):
    help = (
        "Fill the site with a large, realistic set of articles and comments, for benchmarks: "
        "sections and authors when missing, articles with bylines, tags and dates over the "
        "last three years, comments skewed towards a few articles. Written in bulk, so it "
        "skips revisions, the search index and the reference index (run `gazette "
        "update_index` and `gazette rebuild_references_index` afterwards if they matter). "
        "Needs `gazette setup` first; a second run adds more."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=0, metavar="N")
        parser.add_argument("--comments", type=int, default=0, metavar="N")
        parser.add_argument("--sections", type=int, default=8, metavar="N")
        parser.add_argument("--authors", type=int, default=50, metavar="N")
        parser.add_argument(
            "--seed", type=int, default=None, help="Make the same content again (same site)."
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=1000,
            metavar="N",
            help="Articles per transaction (comments: 10 × N). Default 1000.",
        )

    def handle(self, *args, **options):
        def write(text: str) -> None:
            self.stdout.write(text, ending="")
            self.stdout.flush()

        try:
            result = generate(
                articles=options["articles"],
                comments=options["comments"],
                sections=options["sections"],
                authors=options["authors"],
                seed=options["seed"],
                batch=options["batch"],
                write=write if options["verbosity"] else None,
                tty=self.stdout.isatty(),
            )
        except GenerateError as exc:
            raise CommandError(str(exc)) from exc
        # Rows went in around the write functions, so nothing purged the cached pages.
        purge_all()
        if options["verbosity"]:
            rate = result.rows / result.seconds if result.seconds else 0
            self.stdout.write(
                self.style.SUCCESS(
                    f"Generated {result.articles:,} articles and {result.comments:,} comments: "
                    f"{result.rows:,} rows in {result.seconds:.1f} s ({rate:,.0f} rows/s)."
                )
            )
