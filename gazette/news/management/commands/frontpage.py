from django.core.management.base import BaseCommand, CommandError

from gazette.news.models import ArticlePage, HomePage
from gazette.news.publishing import front_page_pin, front_page_unpin


class Command(BaseCommand):
    help = (
        "The front page's top story: `pin URL-or-ID` puts a published article at the top "
        "until `unpin`; `show` prints what is pinned."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        pin = sub.add_parser("pin", help="pin a published article as the top story")
        pin.add_argument("article", help="the article's ID or URL path, e.g. /news/story/")
        sub.add_parser("unpin", help="clear the top story")
        sub.add_parser("show", help="print the pinned article, if any")

    def handle(self, *args, action: str, **options):
        if action == "pin":
            article = self._find(options["article"])
            front_page_pin(article=article)
            self.stdout.write(f"Pinned: {article.title} ({article.url})")
        elif action == "unpin":
            front_page_unpin()
            self.stdout.write("Unpinned: the front page leads with the latest article.")
        else:
            top = HomePage.objects.get().top_story
            self.stdout.write(f"{top.title} ({top.url})" if top else "Nothing pinned.")

    def _find(self, ref: str) -> ArticlePage:
        published = ArticlePage.objects.published()
        if ref.isdigit():
            article = published.filter(pk=int(ref)).first()
        else:
            path = "/" + ref.strip("/") + "/"
            article = next(
                (
                    a
                    for a in published.filter(slug=path.rstrip("/").rsplit("/", 1)[-1])
                    if a.url == path
                ),
                None,
            )
        if article is None:
            raise CommandError(
                f"No published article {ref!r}: only a published article can be pinned."
            )
        return article
