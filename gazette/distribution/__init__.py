"""Distribution: what lets the paper be found and syndicated.

Feeds (RSS 2.0, Atom, JSON Feed) for the site, each section, tag and author; sitemaps
(index, articles, sections, tags, authors, Google News) and robots.txt; structured data
(schema.org JSON-LD), Open Graph and Twitter card tags, canonical URLs. Every article it
shows comes through ``ArticlePage.objects.published()``.
"""
