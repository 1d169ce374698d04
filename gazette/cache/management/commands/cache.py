import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from gazette.cache import get_store, purge_all, purge_now, sweeper


class Command(BaseCommand):
    help = (
        "The page cache: `cache purge --all`, `cache purge --tag TAG [--tag TAG...]` "
        "(tags such as page:12, list:home, nav), `cache stats`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        purge = sub.add_parser("purge", help="Forget cached pages.")
        group = purge.add_mutually_exclusive_group(required=True)
        group.add_argument("--all", action="store_true", help="Every cached page.")
        group.add_argument("--tag", action="append", metavar="TAG", help="Pages with this tag.")
        sub.add_parser("stats", help="How many pages are cached, and their size on disk.")
        sub.add_parser(
            "sweep",
            help="Run in the foreground, removing time-dependent pages when they are due "
            "(`gazette serve` starts it itself).",
        )

    def handle(self, *args, **options):
        store = get_store()
        if options["action"] == "sweep":
            # Fragments follow purges too, so the sweeper runs with the page cache off.
            stop = threading.Event()
            signal.signal(signal.SIGTERM, lambda *_: stop.set())
            try:
                sweeper.run(stop)
            except KeyboardInterrupt:
                pass
            return
        if store is None:
            raise CommandError("The page cache is off (GAZETTE_PAGE_CACHE=0).")
        if options["action"] == "stats":
            stats = store.stats()
            self.stdout.write(
                f"{stats['pages']} pages cached in {store.root} ({stats['bytes'] / 1e6:.1f} MB)"
            )
            return
        if options["all"]:
            purge_all()
            self.stdout.write("Purged every cached page.")
            return
        urls = purge_now(options["tag"])
        self.stdout.write(f"Purged {len(urls)} page(s).")
        for url in sorted(urls):
            self.stdout.write(f"  {url}")
