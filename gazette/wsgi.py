import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gazette.settings")

from gazette.cache.wsgi import CachedApplication  # noqa: E402  (needs the settings module)

# Cached pages are answered before Django; everything else goes through it.
application = CachedApplication(get_wsgi_application())
