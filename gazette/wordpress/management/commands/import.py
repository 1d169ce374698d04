from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gazette.wordpress import wxr
from gazette.wordpress.importer import ImportRefused, import_wxr
from gazette.wordpress.media import MediaSource


class Command(BaseCommand):
    help = (
        "Import another system's export. `gazette import wordpress FILE.xml` reads a "
        "WordPress export (WXR 1.0, 1.1, 1.2): posts, pages, categories, tags, authors, "
        "comments, featured images, old permalinks as redirects. The file is checked whole "
        "before anything is written; running it again changes nothing, and an interrupted "
        "run is finished by running it again."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=["wordpress"])
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--media-dir",
            type=Path,
            metavar="DIR",
            help="A copy of the site's wp-content/uploads folder to take images from.",
        )
        parser.add_argument(
            "--media-from-url",
            action="store_true",
            help="Download images from their addresses in the file (public addresses only, "
            "20 MB and 20 s at most each).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and count; write nothing."
        )
        parser.add_argument(
            "--users",
            action="store_true",
            help="Also make a user account (without a usable password) for each author.",
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        media_dir = options["media_dir"]
        if media_dir is not None and not media_dir.is_dir():
            raise CommandError(f"No such folder: {media_dir}")

        def write(text: str) -> None:
            self.stdout.write(text, ending="")
            self.stdout.flush()

        try:
            report = import_wxr(
                path,
                media=MediaSource(media_dir=media_dir, from_url=options["media_from_url"]),
                users=options["users"],
                dry_run=options["dry_run"],
                write=write if options["verbosity"] else None,
                tty=self.stdout.isatty(),
            )
        except wxr.WXRError as exc:
            raise CommandError(f"{path}: {exc} (nothing was imported)") from exc
        except ImportRefused as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
