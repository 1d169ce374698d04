import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from wagtail.models import APIToken

from gazette.api.tokens import token_create, token_expires_at, token_revoke


class Command(BaseCommand):
    help = (
        "API tokens: `token create USERNAME [--name N] [--expires-days D]` (prints the token "
        "once), `token list [USERNAME]`, `token revoke ID...`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a token and print it, once.")
        create.add_argument("username")
        create.add_argument("--name", default="API", help="What the token is for.")
        create.add_argument(
            "--expires-days", type=int, default=None, help="Days until it expires (default never)."
        )
        listing = sub.add_parser("list", help="List tokens (never the tokens themselves).")
        listing.add_argument("username", nargs="?")
        revoke = sub.add_parser("revoke", help="Revoke tokens by ID (from `token list`).")
        revoke.add_argument("ids", nargs="+", type=int, metavar="ID")

    def handle(self, *args, **options):
        getattr(self, "_" + options["action"])(options)

    def _create(self, options):
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}; nothing made.")
        days = options["expires_days"]
        if days is not None and days < 1:
            raise CommandError("--expires-days must be 1 or more.")
        record, token = token_create(
            user=user,
            name=options["name"],
            expires_in=dt.timedelta(days=days) if days else None,
        )
        expires = token_expires_at(record)
        until = f", expires {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
        self.stderr.write(
            f"Token {record.pk} for {user.username}{until}. "
            "It is shown only now: keep it somewhere safe."
        )
        self.stdout.write(token)

    def _list(self, options):
        tokens = APIToken.objects.select_related("user", "gazette_expiry")
        tokens = tokens.order_by("-created", "-pk")
        if options["username"]:
            tokens = tokens.filter(user__username=options["username"])
        now = timezone.now()
        rows = 0
        for t in tokens:
            expires_at = token_expires_at(t)
            if t.revoked_at:
                state = "revoked"
            elif expires_at and expires_at <= now:
                state = "expired"
            else:
                state = "active"
            expires = f"{expires_at:%Y-%m-%d}" if expires_at else "never"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(
                f"{t.pk}\t{t.user.username}\t{t.prefix}…\t{state}\texpires {expires}"
                f"\tlast used {used}\t{t.name}"
            )
            rows += 1
        if not rows:
            self.stdout.write("No tokens.")

    def _revoke(self, options):
        ids = options["ids"]
        tokens = {t.pk: t for t in APIToken.objects.filter(pk__in=ids)}
        missing = [i for i in ids if i not in tokens]
        if missing:
            raise CommandError(f"No token with ID {', '.join(map(str, missing))}; nothing revoked.")
        for pk in ids:
            token_revoke(token=tokens[pk])
            self.stdout.write(f"Token {pk}: revoked.")
