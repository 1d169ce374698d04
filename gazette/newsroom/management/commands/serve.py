from django.core.management.base import BaseCommand, CommandError

from gazette.newsroom.server import run_server


class Command(BaseCommand):
    help = "Serve Gazette with a production WSGI server (granian), static files included."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Worker processes (default: one per CPU core).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run the background worker (scheduled publishing, tasks) here: "
            "run `gazette worker` separately instead.",
        )

    def handle(self, *args, **options):
        if not 0 < options["port"] < 65536:
            raise CommandError("--port must be between 1 and 65535.")
        run_server(
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            background_worker=not options["no_worker"],
        )
