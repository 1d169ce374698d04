import re
import pytest
from gazette.comments.models import Comment

@pytest.mark.django_db
def test_explore(client, alice, make_article):
    a = make_article()
    Comment.objects.create(article=a, name="X", email="x@example.com", body="hi")
    client.force_login(alice)
    html = client.get("/admin/").content.decode()
    i = html.find("Comments (")
    print(html[i-3000:i+300])
    m = re.findall(r'<script[^>]*id="wagtail-sidebar-props"[^>]*>', html)
    print(m)
