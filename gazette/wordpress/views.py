"""WordPress's query-string permalinks: /?p=ID and /?page_id=ID.

Wagtail's redirect middleware only answers 404s, and / is the home page (a 200), so these
are answered here, before the home page, from the import's ID mapping."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from gazette.news import serving
from gazette.news.models import relative_url
from gazette.wordpress.models import Imported

_QUERY = {"p": ("post", "page"), "page_id": ("page", "post")}


@csrf_exempt  # as serving.serve, which it hands over to
def root(request: HttpRequest) -> HttpResponse:
    for key, kinds in _QUERY.items():
        value = request.GET.get(key, "")
        if value:
            if not value.isdigit():
                raise Http404("No such post")
            rows = Imported.objects.filter(kind__in=kinds, wp_id=value).order_by("-pk")
            for object_id in rows.values_list("object_id", flat=True):
                url_path = (
                    Page.objects.filter(pk=object_id, live=True)
                    .values_list("url_path", flat=True)
                    .first()
                )
                if url_path:
                    return HttpResponsePermanentRedirect(relative_url(url_path))
            raise Http404("No such post")
    return serving.serve(request, "")
