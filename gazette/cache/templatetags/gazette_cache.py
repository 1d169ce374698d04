"""``{% fragment "name" key ... %}...{% endfragment %}``: keep a part of a page rendered.

The part is rendered once and kept (gazette.cache.fragments) under its name and keys, with
the content tags declared while it rendered (by template tags or lazy context values it
evaluates) and those given as ``depends=`` (tags the view declared before, for content the
part shows). A tag missing would show stale content, so the part must declare what it
reads, as every page does for the page cache. On a hit those tags are declared again, so
the page around it is cached under them. Only for content that is the same for every
reader: nothing from the user, session or query string may be rendered inside, unless it
is one of the keys; ``unless=value`` renders the part afresh (and keeps nothing) when the
value is true, e.g. when it shows the reader's own pending comment.
"""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token

from gazette.cache import fragments

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        name: str,
        keys: list[FilterExpression],
        depends: FilterExpression | None,
        unless: FilterExpression | None = None,
    ):
        self.nodelist = nodelist
        self.name = name
        self.keys = keys
        self.depends = depends
        self.unless = unless

    def render(self, context: template.Context) -> str:
        request = context.get("request")
        if request is None or not fragments.enabled():
            return self.nodelist.render(context)
        if self.unless is not None and self.unless.resolve(context):
            return self.nodelist.render(context)  # this time the part is the reader's own
        key = (self.name, *(k.resolve(context) for k in self.keys))
        depends = self.depends.resolve(context) if self.depends is not None else ()
        return fragments.cached(
            request, key, lambda: self.nodelist.render(context), depends=depends or ()
        )


@register.tag
def fragment(parser: Parser, token: Token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name")
    name = bits[1].strip("\"'")
    depends = unless = None
    keys = []
    for bit in bits[2:]:
        if bit.startswith("depends="):
            depends = parser.compile_filter(bit.removeprefix("depends="))
        elif bit.startswith("unless="):
            unless = parser.compile_filter(bit.removeprefix("unless="))
        else:
            keys.append(parser.compile_filter(bit))
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, name, keys, depends, unless)
