"""How the app names a person and their role in its header."""

from django import template
from django.contrib import admin

from factcheck import models
from factcheck.models import UNREAD_SHOWN
from factcheck.notifying import link_mentions, verb

register = template.Library()


@register.filter
def display_name(user):
    """The full name when there is one, else the username; "" for no one (a revision written
    outside the app), for `|default` to name."""
    return models.display_name(user) if user else ""


@register.filter
def role(user):
    """Admin, Editor or Reviewer: what the person may do here, read from their permissions
    (a superuser is an Admin whatever their groups); "" for an account with no role."""
    if user.is_superuser:
        return "Admin"
    if user.has_perm("factcheck.change_claim_status"):
        return "Editor"
    if user.has_perm("factcheck.add_evidence"):
        return "Reviewer"
    return ""


@register.filter
def uses_admin(request):
    """Whether the admin has something for this person, as it decides: it lets them in
    (AdminSite.has_permission: an active staff account) and lists an app they hold a permission in
    (ModelAdmin.has_module_permission). The app's own first: the other apps are asked (a scan of
    the person's permissions each) only of who holds none of its permissions."""
    if not admin.site.has_permission(request):
        return False
    labels = dict.fromkeys(["factcheck", *(model._meta.app_label for model in admin.site._registry)])
    return any(request.user.has_module_perms(label) for label in labels)


@register.filter
def with_mentions(note):
    """The note's text, escaped, with the people it notified (@username) linked."""
    return link_mentions(note.body, note.mentions)


@register.filter
def unread_shown(count):
    """ "3", or "99+" past UNREAD_SHOWN."""
    return f"{UNREAD_SHOWN}+" if count > UNREAD_SHOWN else str(count)


@register.filter
def notification_verb(notification):
    """ "assigned you", "mentioned you on": what the actor did."""
    return verb(notification)
