"""``{% part "name" arg=value ... %}…{% endpart %}``: a cached part of a page.

What the part depends on is declared in ``core.pagecache.PARTS``; its key is made there
from those versions, the language and the arguments given here. Inside the part,
``request`` is hidden: whatever of the request the part prints must come in through its
arguments, and so is in its key. A page rendered without a request (the 500 page) or as
a preview renders its parts afresh and stores none.
"""

from django import template
from django.utils.safestring import mark_safe

from core import pagecache

register = template.Library()

# Context names that carry request data into templates.
HIDDEN = {"request": None, "language_links": None, "page_query": ""}


class PartNode(template.Node):
    def __init__(self, name, arguments, nodelist):
        self.name, self.arguments, self.nodelist = name, arguments, nodelist

    def render(self, context):
        request = context.get("request")
        name = self.name.resolve(context)
        if name not in pagecache.PARTS:
            raise template.TemplateSyntaxError(f"No part {name!r} in core.pagecache.PARTS")
        arguments = {key: value.resolve(context) for key, value in self.arguments.items()}

        def render():
            with context.push(HIDDEN):
                return self.nodelist.render(context)

        if request is None or context.get("preview"):
            return render()
        # Where the part is written is in its key too: two parts never share a key by chance.
        place = f"{self.origin.template_name}:{self.token.lineno}"
        return mark_safe(pagecache.remember(request, name, {**arguments, "_at": place}, render))  # noqa: S308 (a rendered template)


@register.tag
def part(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% part %} takes a part's name")
    arguments = template.base.token_kwargs(bits[2:], parser)
    if len(arguments) != len(bits) - 2:
        raise template.TemplateSyntaxError("{% part %} takes name=value arguments only")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(parser.compile_filter(bits[1]), arguments, nodelist)
