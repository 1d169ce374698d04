"""Screenshots of pages at phone and desktop widths with Debian's Chromium.

    .venv/bin/python scripts/screenshot.py http://127.0.0.1:8000/news/some-article/ out.png
    [--width 390] [--full] [--login admin:PASSWORD]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urljoin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser import launch  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("output")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--full", action="store_true", help="the whole page, not the viewport")
    parser.add_argument("--login", help="USER:PASSWORD for the admin, logged in first")
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = launch(p)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        if args.login:
            user, password = args.login.split(":", 1)
            page.goto(urljoin(args.url, "/admin/login/"))
            page.get_by_label("Username").fill(user)
            page.get_by_label("Password").fill(password)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
        page.goto(args.url)
        page.screenshot(path=args.output, full_page=args.full)
        browser.close()


if __name__ == "__main__":
    main()
