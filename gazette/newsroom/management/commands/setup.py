from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gazette.cache import purge_all
from gazette.newsroom.site import site_ensure


class Command(BaseCommand):
    help = (
        "Create or upgrade the database and the site (idempotent): "
        "migrations, home page, roles, static files."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site-name", default=settings.WAGTAIL_SITE_NAME)
        parser.add_argument(
            "--no-static", action="store_true", help="Skip collecting static files."
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        call_command("migrate", interactive=False, verbosity=max(verbosity - 1, 0))
        site = site_ensure(site_name=options["site_name"], base_url=settings.WAGTAILADMIN_BASE_URL)
        if not options["no_static"]:
            call_command("collectstatic", interactive=False, verbosity=max(verbosity - 1, 0))
        # An upgrade may change templates and static file names: no page rendered by the old
        # version may be served by the new one.
        purge_all()
        if verbosity:
            self.stdout.write(
                f"Gazette is set up: database {settings.DATABASES['default']['NAME']}, "
                f"site “{site.site_name}”."
            )
