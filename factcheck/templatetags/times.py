"""Times as the newsroom reads them: in its time zone (settings.TIME_ZONE), with the zone named.

`{% moment value %}` shows the date and time; `{% age value %}` shows how long ago ("3 days ago")
with the exact time in the tooltip. Both give the machine-readable instant in `datetime`.
"""

from datetime import timedelta

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html
from django.utils.timesince import timesince

register = template.Library()

EXACT = "j M Y, H:i T"
MINUTE = timedelta(minutes=1)


def exact(value):
    """'4 Dec 2026, 14:05 CET': in the newsroom's zone, with the zone's abbreviation."""
    return date_format(timezone.localtime(value), EXACT)


@register.simple_tag
def moment(value):
    if not value:
        return ""
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), exact(value))


@register.simple_tag
def age(value):
    if not value:
        return ""
    # timesince gives "3 days, 2 hours": the first part is what a person triages by.
    ago = "just now" if timezone.now() - value < MINUTE else f"{timesince(value, depth=1)} ago"
    return format_html('<time datetime="{}" title="{}">{}</time>', value.isoformat(), exact(value), ago)
