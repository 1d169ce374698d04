"""Images of an import: from a local uploads folder, or downloaded from public addresses
only (no request ever reaches a private one, even through a redirect)."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PIL import Image

from gazette.images.models import GazetteImage
from gazette.news.models import ArticlePage
from gazette.wordpress import media
from gazette.wordpress.importer import import_wxr
from gazette.wordpress.media import MediaError, MediaSource, fetch

THEME = Path(__file__).parent / "fixtures" / "wordpress" / "theme-unit-test.xml"
PUBLIC = "93.184.216.34"  # what the fake DNS answers for the "public" test host


def png(colour: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(out, "PNG")
    return out.getvalue()


class Handler(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, dict[str, str], bytes]] = {}
    seen: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append(self.path)
        status, headers, body = self.routes.get(self.path, (404, {}, b""))
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    """A local HTTP server reached as public.example (PUBLIC), through a fake resolver;
    every address a connection is opened to is recorded."""
    Handler.routes, Handler.seen = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    names = {"public.example": [PUBLIC], "intranet.example": ["10.1.2.3"],
             "sneaky.example": [PUBLIC, "127.0.0.1"]}  # fmt: skip
    monkeypatch.setattr(media, "resolve", lambda host, port: names.get(host) or [host])
    connected: list[str] = []
    real_connect = media.connect

    def connect(address, port_, timeout):
        connected.append(address)
        # The "public" address is the local server in disguise.
        return real_connect("127.0.0.1" if address == PUBLIC else address, port, timeout)

    monkeypatch.setattr(media, "connect", connect)
    yield Handler, port, connected
    httpd.shutdown()
    httpd.server_close()


def test_a_public_image_is_downloaded(server):
    handler, port, connected = server
    handler.routes["/a.png"] = (200, {"Content-Type": "image/png"}, png())
    body, final = fetch(f"http://public.example:{port}/a.png")
    assert body == png() and connected == [PUBLIC]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:{port}/a.png",
        "http://localhost:{port}/a.png",
        "http://[::1]:{port}/a.png",
        "http://169.254.169.254/latest/meta-data/",
        "http://intranet.example:{port}/a.png",
        "http://sneaky.example:{port}/a.png",
        "http://[::ffff:127.0.0.1]:{port}/a.png",
        "file:///etc/passwd",
        "ftp://public.example/a.png",
    ],
)
def test_private_addresses_are_never_contacted(server, monkeypatch, url):
    handler, port, connected = server
    monkeypatch.setattr(media, "resolve", _resolver_with_localhost(media.resolve))
    with pytest.raises(MediaError):
        fetch(url.format(port=port))
    assert connected == [] and handler.seen == []


def _resolver_with_localhost(resolve):
    return lambda host, port: ["127.0.0.1", "::1"] if host == "localhost" else resolve(host, port)


def test_a_redirect_to_a_private_address_is_refused_before_connecting(server):
    handler, port, connected = server
    handler.routes["/r"] = (302, {"Location": f"http://127.0.0.1:{port}/a.png"}, b"")
    handler.routes["/a.png"] = (200, {}, png())
    with pytest.raises(MediaError, match="not a public address"):
        fetch(f"http://public.example:{port}/r")
    # One connection, to the public address; the redirect's 127.0.0.1 never.
    assert connected == [PUBLIC] and handler.seen == ["/r"]


def test_size_and_redirect_limits(server):
    handler, port, connected = server
    handler.routes["/big"] = (200, {}, b"x" * 2048)
    with pytest.raises(MediaError, match="larger than"):
        fetch(f"http://public.example:{port}/big", max_bytes=1024)
    handler.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    with pytest.raises(MediaError, match="more than 5 redirects"):
        fetch(f"http://public.example:{port}/loop")


def test_import_downloads_featured_and_inline_images(site, server, tmp_path):
    handler, port, connected = server
    text = THEME.read_text().replace(
        "https://wpthemetestdata.example.com/wp-content", f"http://public.example:{port}/wp-content"
    )
    export = tmp_path / "export.xml"
    export.write_text(text)
    handler.routes["/wp-content/uploads/2012/12/featured-image-horizontal.png"] = (200, {}, png())
    handler.routes["/wp-content/uploads/2013/03/image-alignment-150x150.png"] = (
        200, {}, png("blue"),
    )  # fmt: skip
    report = import_wxr(export, media=MediaSource(from_url=True))
    assert report.created["images"] == 2
    sticky = ArticlePage.objects.get(title="Template: Sticky")
    assert sticky.lead_image is not None
    block = ArticlePage.objects.get(title="Block: Image, Gallery, Quote, Embed")
    images = [b["value"]["image"] for b in block.body.raw_data if b["type"] == "image"]
    assert len(images) == 3
    assert set(connected) == {PUBLIC}


def test_import_refuses_attachments_at_127_0_0_1(site, server, tmp_path):
    handler, port, connected = server
    text = THEME.read_text().replace(
        "https://wpthemetestdata.example.com/wp-content", f"http://127.0.0.1:{port}/wp-content"
    )
    export = tmp_path / "export.xml"
    export.write_text(text)
    report = import_wxr(export, media=MediaSource(from_url=True))
    assert not GazetteImage.objects.exists()
    assert connected == [] and handler.seen == []
    assert any("not a public address" in note for note in report.notes)
    assert ArticlePage.objects.count() == 8  # the posts came in all the same


def test_import_takes_images_from_a_local_uploads_folder(site, tmp_path):
    uploads = tmp_path / "uploads" / "2012" / "12"
    uploads.mkdir(parents=True)
    (uploads / "featured-image-horizontal.png").write_bytes(png())
    report = import_wxr(THEME, media=MediaSource(media_dir=tmp_path / "uploads"))
    assert report.created["images"] == 1
    assert ArticlePage.objects.get(title="Template: Sticky").lead_image is not None
    assert report.skipped[("images", "not in " + str(tmp_path / "uploads"))] >= 1
    again = import_wxr(THEME, media=MediaSource(media_dir=tmp_path / "uploads"))
    assert not again.created["images"] and GazetteImage.objects.count() == 1


def test_a_media_dir_path_cannot_escape_the_folder(tmp_path):
    (tmp_path / "secret.png").write_bytes(png())
    (tmp_path / "uploads").mkdir()
    with pytest.raises(MediaError):
        media.local_file(tmp_path / "uploads", "https://x.example/../secret.png")


def test_a_gallery_without_ids_shows_the_images_attached_to_its_post(site, tmp_path):
    (tmp_path / "uploads" / "2008" / "06").mkdir(parents=True)
    for name, colour in (("a.png", "red"), ("b.png", "blue")):
        (tmp_path / "uploads" / "2008" / "06" / name).write_bytes(png(colour))
    attachment = """<item><title>{0}</title><wp:post_id>{1}</wp:post_id>
<wp:post_parent>555</wp:post_parent><wp:status>inherit</wp:status>
<wp:post_type>attachment</wp:post_type>
<wp:attachment_url>https://old.example/wp-content/uploads/2008/06/{0}</wp:attachment_url></item>"""
    path = tmp_path / "gallery.xml"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:wp="http://wordpress.org/export/1.2/"><channel><wp:wxr_version>1.2</wp:wxr_version>
<item><title>Post Format: Gallery</title><wp:post_id>555</wp:post_id>
<content:encoded><![CDATA[[gallery]

Some words.]]></content:encoded><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
<wp:post_date_gmt>2010-09-10 14:24:14</wp:post_date_gmt></item>
{attachment.format("a.png", 611)}{attachment.format("b.png", 612)}
</channel></rss>""",
        encoding="utf-8",
    )
    report = import_wxr(path, media=MediaSource(media_dir=tmp_path / "uploads"))
    body = ArticlePage.objects.get().body.raw_data
    assert [b["type"] for b in body] == ["image", "image", "paragraph"]
    assert len({b["value"]["image"] for b in body[:2]}) == 2
    assert report.created["images"] == 2
