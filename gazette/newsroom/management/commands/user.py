import getpass
import sys

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gazette.newsroom.roles import ROLES, user_create


class Command(BaseCommand):
    help = (
        "Manage newsroom accounts: `user create USERNAME --role ROLE` "
        "(password from a prompt or stdin)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Create an account with a role.")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=ROLES)
        create.add_argument("--email", default="")

    def _password(self) -> str:
        if sys.stdin.isatty():
            first = getpass.getpass("Password: ")
            if first != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was created.")
            return first
        return sys.stdin.readline().rstrip("\n")

    def handle(self, *args, **options):
        password = self._password()
        if not password:
            raise CommandError(
                "A password is required (type it at the prompt or pipe it on stdin)."
            )
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        try:
            user = user_create(
                username=options["username"],
                role=options["role"],
                password=password,
                email=options["email"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created {options['role']} {user.username}.")
