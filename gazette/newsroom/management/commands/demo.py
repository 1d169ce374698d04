import secrets

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import BaseCommand

from gazette import demo
from gazette.newsroom.server import run_server


class Command(BaseCommand):
    help = "Try Gazette: set up, load sample content, print the admin login and serve."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="Set up and load only.")

    def handle(self, *args, **options):
        call_command("setup", verbosity=options["verbosity"])
        self.stdout.write("Loading the sample content…")
        demo.load(write=self.stdout.write)
        # A new random password on every run: the demo never ships a known login.
        password = secrets.token_urlsafe(12)
        admin, _ = User.objects.get_or_create(
            username="admin", defaults={"email": "admin@example.com"}
        )
        admin.is_staff = admin.is_superuser = True
        admin.set_password(password)
        admin.save()
        base = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            self.style.SUCCESS(
                f"\nGazette demo ready.\n  Site:  {base}/\n  Admin: {base}/admin/\n"
                f"  Login: admin / {password}\n"
            )
        )
        if not options["no_serve"]:
            run_server(host=options["host"], port=options["port"])
