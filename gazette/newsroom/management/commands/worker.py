from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gazette.newsroom.scheduler import BackgroundWorker


class Command(BaseCommand):
    help = (
        "Run the background worker: scheduled publishing and unpublishing (Wagtail's "
        "go-live and expiry times) and the task queue. `gazette serve` runs one itself "
        "unless started with --no-worker."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=settings.GAZETTE_WORKER_INTERVAL,
            help="Seconds between passes (default: GAZETTE_WORKER_INTERVAL, %(default)s).",
        )
        parser.add_argument(
            "--parent-pid", type=int, default=None, help="Stop when this process is gone."
        )
        parser.add_argument(
            "--once", action="store_true", help="Do what is due now, then exit (for scripts)."
        )

    def handle(self, *args, **options):
        if not 0 < options["interval"] <= 60:
            raise CommandError("--interval must be more than 0 and at most 60 seconds.")
        worker = BackgroundWorker(interval=options["interval"], parent_pid=options["parent_pid"])
        if options["once"]:
            due = worker.step()
            self.stdout.write(
                f"Published {len(due.published)}, unpublished {len(due.unpublished)}."
            )
            if due.refused:
                self.stderr.write(
                    f"Refused {len(due.refused)} (not ready, taken off the schedule; see "
                    f"each article's history): pages {', '.join(map(str, due.refused))}."
                )
            return
        if options["verbosity"]:
            self.stdout.write(f"Gazette worker running every {options['interval']:g} s.")
        worker.run()
