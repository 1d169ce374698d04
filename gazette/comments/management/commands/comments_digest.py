from django.core.management.base import BaseCommand

from gazette.comments.mail import send_moderator_digest


class Command(BaseCommand):
    help = (
        "Email moderators how many comments wait in the queue (at most once every "
        "GAZETTE_COMMENTS_DIGEST_HOURS per moderator). For cron or a systemd timer."
    )

    def handle(self, *args, **options):
        result = send_moderator_digest.enqueue()
        self.stdout.write(f"Moderator digest queued (task {result.id}).")
