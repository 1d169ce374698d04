"""The `gazette` command: a thin layer over Django's management commands.

It picks Gazette's settings and hands the rest of the command line to Django, so
`gazette setup`, `gazette publish FILE.md` and every Django command (`gazette migrate`,
`gazette createsuperuser`, ...) work the same way.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "demo":
        # The demo is for trying Gazette on one's own machine: debug pages on, nothing else.
        os.environ.setdefault("GAZETTE_DEBUG", "1")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings, which read the environment
    except ImproperlyConfigured as exc:
        # A bad environment value (GAZETTE_DEBUG=maybe) is the operator's to fix: say which
        # in one line, without a traceback.
        sys.exit(f"gazette: configuration error: {exc}")
    execute_from_command_line(["gazette", *args])


if __name__ == "__main__":
    main()
