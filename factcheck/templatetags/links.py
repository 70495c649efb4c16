"""Links to stored URLs: only http and https ones become links, whatever road they came in by.

Forms validate URLs on the way in, but the shell, an import path or SQL can store anything,
and a `javascript:` href runs in our origin when clicked. So every template that shows a stored
URL goes through `{% external_link %}`, and the admin through `is_web_url`.
"""

from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.text import Truncator

register = template.Library()

WEB_SCHEMES = {"http", "https"}


def is_web_url(url):
    """Whether a browser following this URL goes to a web page (and runs nothing of ours)."""
    try:
        # urlsplit drops what browsers drop before reading a scheme: leading spaces and control
        # characters, and tabs and newlines anywhere ("java\tscript:").
        parts = urlsplit(url or "")
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


@register.simple_tag
def external_link(url, text=None):
    """A link to `url` if it is a web address; otherwise its text, marked as not linked."""
    text = text or url
    if is_web_url(url):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, text)
    shown = text if text == url else f"{text}: {url}"
    return format_html(
        '<span class="not-linked" title="Not an http or https address, so not a link">{}</span>',
        Truncator(shown).chars(120),
    )
