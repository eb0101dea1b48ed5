"""The admin's "view on site" redirect, with the permission check Django's lacks.

Django's own ``admin/r/<content type>/<id>/`` answers any staff user with the
public address of any object, which would tell a provider editor the address
of another organisation's draft. This one first asks the model's admin whether
the user may see that object.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404


def view_on_site(request, content_type_id, object_id):
    content_type = ContentType.objects.filter(pk=content_type_id).first()
    model = content_type.model_class() if content_type else None
    model_admin = admin.site._registry.get(model)
    if model_admin is None:
        raise Http404
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_or_change_permission(request, obj):
        raise Http404
    return shortcut(request, content_type_id, object_id)
