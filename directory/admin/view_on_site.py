"""The admin's "view on site" redirect, with the permission check Django's lacks.

Django's own ``admin/r/<content type>/<id>/`` answers any staff user with the
public address of any object, which would tell a provider editor the address
of another organisation's draft. This one first asks the model's admin whether
the user may see that object. It is the admin site's only version of the address
(emrj/admin_site.py), so no other spelling of it reaches Django's.

Only the admin's own spelling of each part is answered: the content type's id in
plain digits, and the object's id exactly as the admin writes it (str(pk)). "+14",
" 14", "014", "1_4" or "１４" all mean 14 to Python's int(), and each such spelling
has been a way round a check before; answering just one spelling leaves nothing to try.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404

from directory.models import Listing
from directory.roles import is_forum_staff

MAX_DIGITS = 18  # every id there is fits; longer ones would overflow the database's integers


def _canonical_number(raw):
    """Return ``raw`` as an int if it is written exactly as str(int) writes it, else None."""
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_DIGITS) or str(int(raw)) != raw:
        return None
    return int(raw)


def view_on_site(request, content_type_id, object_id, admin_site=admin.site):
    content_type_pk = _canonical_number(content_type_id)
    content_type = content_type_pk and ContentType.objects.filter(pk=content_type_pk).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin_site._registry.get(model)
    if model_admin is None:
        raise Http404
    obj = model_admin.get_object(request, object_id)
    if obj is None or str(obj.pk) != object_id:
        raise Http404
    if not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    if isinstance(obj, Listing) and not is_forum_staff(request.user):
        # A listing's address is made from its name, with a number when it is taken:
        # told the address of their own unpublished listing, an editor would learn
        # whether another organisation's draft holds the plain one. Published
        # listings' addresses are public anyway.
        if not Listing.objects.published().filter(pk=obj.pk).exists():
            raise Http404
    # The object just checked, by its own id: never a fresh reading of the address.
    return shortcut(request, content_type.pk, obj.pk)
