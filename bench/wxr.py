"""WordPress import at scale: generate a WXR file, import it into a fresh site, time it.

    .venv/bin/python bench/wxr.py [--posts 100000] [--comments 1000000] [--keep DIR]
    make bench-wxr

Writes a WXR 1.2 file (authors, nested categories, tags, posts in classic and block
markup, threaded comments of every status) as a stream, then runs `gazette setup` and
`gazette import wordpress` in a fresh data directory, then the import again (which must
change nothing). Prints the times, rows per second and the importer's peak memory.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Bench</title><link>https://bench.example</link>
<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://bench.example</wp:base_site_url>
"""
WORDS = ("council budget river school storm market bridge harbour vote mayor rail museum "
         "festival report court hospital tram election weather library").split()  # fmt: skip


def sentence(rng: random.Random) -> str:
    return " ".join(rng.choices(WORDS, k=rng.randint(8, 16))).capitalize() + "."


def generate(path: Path, posts: int, comments: int, seed: int = 1) -> None:
    rng = random.Random(seed)  # noqa: S311 - sample content
    per_post = comments / posts if posts else 0
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        w = out.write
        w(HEAD)
        for a in range(50):
            w(f"<wp:author><wp:author_login>writer{a}</wp:author_login>"
              f"<wp:author_display_name>Writer {a % 40}</wp:author_display_name>"
              "</wp:author>\n")  # fmt: skip
        for c in range(8):
            w(f"<wp:category><wp:category_nicename>section-{c}</wp:category_nicename>"
              f"<wp:category_parent></wp:category_parent><wp:cat_name>Section {c}</wp:cat_name>"
              "</wp:category>\n")  # fmt: skip
            for s in range(3):
                w(f"<wp:category><wp:category_nicename>sub-{c}-{s}</wp:category_nicename>"
                  f"<wp:category_parent>section-{c}</wp:category_parent>"
                  f"<wp:cat_name>Sub {c}.{s}</wp:cat_name></wp:category>\n")  # fmt: skip
        made = 0
        for post in range(1, posts + 1):
            # Whole comments per post, the remainder spread so the total is exact.
            n = int(post * per_post) - int((post - 1) * per_post)
            year, month, day = 2015 + post % 10, 1 + post % 12, 1 + post % 28
            slug = f"post-{post}"
            if post % 2:
                body = "\n\n".join(sentence(rng) for _ in range(5))
            else:
                body = "".join(
                    f"<!-- wp:paragraph -->\n<p>{sentence(rng)}</p>\n<!-- /wp:paragraph -->\n"
                    for _ in range(5)
                )
            c = post % 8
            w(f"<item><title>{escape(sentence(rng)[:70])}</title>"
              f"<link>https://bench.example/{year}/{month:02}/{day:02}/{slug}/</link>"
              f"<dc:creator>writer{post % 50}</dc:creator>"
              f"<content:encoded><![CDATA[{body}]]></content:encoded>"
              f"<wp:post_id>{post}</wp:post_id>"
              f"<wp:post_date_gmt>{year}-{month:02}-{day:02} 10:{post % 60:02}:00"
              "</wp:post_date_gmt>"
              f"<wp:post_name>{slug}</wp:post_name><wp:status>publish</wp:status>"
              "<wp:post_type>post</wp:post_type>"
              f'<category domain="category" nicename="sub-{c}-{post % 3}">Sub</category>'
              f'<category domain="post_tag" nicename="t{post % 200}">Topic {post % 200}</category>'
              )  # fmt: skip
            first = comment_id + 1
            for i in range(n):
                comment_id += 1
                parent = rng.randrange(first, comment_id) if i and rng.random() < 0.3 else 0
                status = rng.choices(("1", "0", "spam", "trash"), (85, 8, 5, 2))[0]
                w(f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                  f"<wp:comment_author>Reader {comment_id % 5000}</wp:comment_author>"
                  f"<wp:comment_author_email>r{comment_id % 5000}@example.com"
                  "</wp:comment_author_email>"
                  f"<wp:comment_author_IP>203.0.113.{comment_id % 250}</wp:comment_author_IP>"
                  f"<wp:comment_date_gmt>{year}-{month:02}-{day:02} 11:00:00</wp:comment_date_gmt>"
                  f"<wp:comment_content>{escape(sentence(rng))}</wp:comment_content>"
                  f"<wp:comment_approved>{status}</wp:comment_approved>"
                  f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>")  # fmt: skip
            made += n
            w("</item>\n")
        w("</channel></rss>\n")
    assert made == comments, (made, comments)


def gazette(data_dir: Path, *args: str) -> tuple[float, int, str]:
    """Run `gazette ARGS` in the data directory: (seconds, peak RSS in MB, output). The
    CPU time it used is printed too: on a shared machine it says more than the clock."""
    env = {"GAZETTE_DATA_DIR": str(data_dir), "PATH": "/usr/bin:/bin", "SECRET_KEY": "bench"}
    started = time.monotonic()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    done = subprocess.run(
        [sys.executable, "-m", "gazette", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak = max(usage.ru_maxrss, before) // 1024
    print(f"  gazette {' '.join(args[:2])}: CPU {usage.ru_utime + usage.ru_stime - cpu:.1f} s")
    return time.monotonic() - started, peak, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Work in this folder and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="gazette-wxr-"))
    work.mkdir(parents=True, exist_ok=True)
    export = work / "export.xml"
    started = time.monotonic()
    generate(export, args.posts, args.comments)
    size = export.stat().st_size / 2**20
    print(f"Generated {export} ({size:,.0f} MB) in {time.monotonic() - started:.1f} s")
    data = work / "data"
    gazette(data, "setup")
    seconds, peak, out = gazette(data, "import", "wordpress", str(export))
    print(out.strip().splitlines()[-1] if out.strip() else "")
    rate = (args.posts + args.comments) / seconds
    print(f"Import: {seconds:.1f} s for {args.posts:,} posts and {args.comments:,} comments "
          f"({rate:,.0f} objects/s), peak memory {peak} MB")  # fmt: skip
    seconds, peak, out = gazette(data, "import", "wordpress", str(export))
    unchanged = [line for line in out.splitlines() if line.startswith(("Imported", "Unchanged"))]
    print(f"Again: {seconds:.1f} s, peak memory {peak} MB; " + "; ".join(unchanged))


if __name__ == "__main__":
    main()
