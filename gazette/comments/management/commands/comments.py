import json

from django.core.management.base import BaseCommand, CommandError

from gazette.comments.models import Comment
from gazette.comments.moderation import ACTIONS
from gazette.comments.privacy import (
    NoSuchCommenter,
    commenter_erase,
    commenter_export,
    ip_networks_forget,
)
from gazette.newsroom.roles import acting_user, may_moderate_comments


class Command(BaseCommand):
    help = (
        "List and moderate comments: `comments list [--status S] [--json]`, "
        "`comments approve|spam|trash ID...`, `comments export|erase --email ADDRESS`, "
        "`comments forget-ips [--days N]`."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="List comments, newest first.")
        listing.add_argument("--status", choices=Comment.Status.values, default=None)
        listing.add_argument("--json", action="store_true", help="One JSON array, for scripts.")
        for action in ACTIONS:
            moderate = sub.add_parser(action, help=f"{action.capitalize()} comments by ID.")
            moderate.add_argument("ids", nargs="+", type=int, metavar="ID")
            moderate.add_argument(
                "--user",
                metavar="USERNAME",
                help="Moderate as this newsroom account (an editor or admin), recorded as "
                "the moderator; refused for other roles.",
            )
        export = sub.add_parser("export", help="One commenter's comments as JSON, to stdout.")
        export.add_argument("--email", required=True)
        erase = sub.add_parser("erase", help="Anonymise every comment written with an address.")
        erase.add_argument("--email", required=True)
        forget = sub.add_parser(
            "forget-ips", help="Blank IP networks older than the retention period."
        )
        forget.add_argument("--days", type=int, default=None, help="instead of the setting")

    def handle(self, *args, **options):
        if options["action"] == "list":
            return self._list(options["status"], options["json"])
        if options["action"] in ("export", "erase"):
            return self._personal_data(options["action"], options["email"])
        if options["action"] == "forget-ips":
            if options["days"] is not None and options["days"] < 0:
                raise CommandError("--days must be 0 or more.")
            n = ip_networks_forget(days=options["days"])
            self.stdout.write(f"IP networks forgotten on {n} comment{'s' if n != 1 else ''}.")
            return
        by = None
        if options.get("user"):
            try:
                by = acting_user(options["user"])
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            if not may_moderate_comments(by):
                raise CommandError(
                    f"{by.username} may not moderate comments (editors and admins only); "
                    "nothing changed."
                )
        ids = options["ids"]
        comments = {c.pk: c for c in Comment.objects.filter(pk__in=ids)}
        missing = [i for i in ids if i not in comments]
        if missing:
            raise CommandError(
                f"No comment with ID {', '.join(map(str, missing))}; nothing changed."
            )
        for pk in ids:
            ACTIONS[options["action"]](comment=comments[pk], by=by)
            self.stdout.write(f"Comment {pk}: {comments[pk].get_status_display().lower()}.")

    def _personal_data(self, action: str, email: str) -> None:
        try:
            if action == "export":
                rows = commenter_export(email=email)
                self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
                return
            n = commenter_erase(email=email, by=None)
        except NoSuchCommenter as exc:
            raise CommandError(
                "No comment was written with that email address; nothing to "
                f"{'export' if action == 'export' else 'erase'}."
            ) from exc
        self.stdout.write(f"{n} comment{'s' if n != 1 else ''} anonymised.")

    def _list(self, status, as_json):
        comments = Comment.objects.select_related("article").order_by("-created_at", "-pk")
        if status:
            comments = comments.filter(status=status)
        rows = [
            {
                "id": c.pk,
                "status": c.status,
                "article": c.article.title,
                "article_id": c.article_id,
                "name": c.name,
                "email": c.email,
                "website": c.website,
                "created_at": c.created_at.isoformat(),
                "body": c.body,
            }
            for c in comments
        ]
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("No comments.")
        for row in rows:
            body = " ".join(row["body"].split())
            self.stdout.write(
                f"{row['id']:>6}  {row['status']:<8}  {row['created_at'][:16]}  {row['name']} "
                f"<{row['email']}> on “{row['article']}”: {body[:70]}"
            )
