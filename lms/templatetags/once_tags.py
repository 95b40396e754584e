"""`{% once "name" value… %}…{% endonce %}`: markup rendered once per process for each set of values, then reused.

For the parts of the site's frame that every page repeats and that depend on nothing but the given values (the
language, whether someone is signed in) and on the deployed code: reversed URLs, static file URLs, translated
labels. Nothing of one person may go inside (no name, no CSRF token, no session): it would be shown to the
next. Process memory, not the shared cache: a deploy restarts the processes, so a new static file's URL is
never served from an old render, and there is nothing to invalidate. A changed setting (tests) empties it.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver

register = template.Library()

_RENDERED: dict[tuple, str] = {}
_LIMIT = 512  # name × language × signed in: a few dozen in practice; the limit only guards a misuse


@receiver(setting_changed)
def _forget(**kwargs):
    _RENDERED.clear()


def rendered_once(key: tuple, render) -> str:
    """`render()`'s markup, kept under `key` (a name, then the values it depends on) for the process's life."""
    html = _RENDERED.get(key)
    if html is None:
        html = render()
        if len(_RENDERED) < _LIMIT:
            _RENDERED[key] = html
    return html


class OnceNode(template.Node):
    def __init__(self, nodelist, name, values):
        self.nodelist, self.name, self.values = nodelist, name, values

    def render(self, context):
        key = (self.name.resolve(context), *(value.resolve(context) for value in self.values))
        return rendered_once(key, lambda: self.nodelist.render(context))


@register.tag
def once(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% once %} needs a name: {% once \"header\" LANGUAGE_CODE %}")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
