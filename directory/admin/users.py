"""People's accounts and groups in the admin: forum staff manage providers' accounts,
and never give anyone, themselves included, more than they hold themselves.

Django's stock user admin lets anyone who may change users tick "superuser" or add
any permission or group, so forum staff could make themselves superusers. Here,
for anyone who is not a superuser:

- "Superuser status" and single permissions are not on the form at all, and the
  list cannot be filtered by them.
- Only groups whose every permission they hold themselves are offered; a group
  with more is refused even in a hand-made form.
- They may change an account only if it is not a superuser's and holds no permission
  they lack. Anything else they may look at, not change, delete or set a password for.
- On their own account they may change their name, email address and password, not
  what they may do (active, staff status, groups).
- They may give staff status (needed to sign in to the admin at all) to an account
  they may change: they have it themselves, and by itself it grants nothing.
  Inviting an editor (directory/invitations.py) sets it anyway.
- Groups follow the same rule, and the two role groups, whose permissions
  directory/roles.py sets after every migrate, are theirs to look at only.

Whatever the form, an account or group that would end up holding more than the
person saving it is refused and nothing is saved. Superusers keep Django's stock
behaviour.
"""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from directory.roles import FORUM_STAFF, PROVIDER_EDITORS

ROLE_GROUPS = {FORUM_STAFF, PROVIDER_EDITORS}
SUPERUSER_ONLY_FIELDS = {"is_superuser", "user_permissions"}
OWN_PRIVILEGE_FIELDS = ["is_active", "is_staff", "groups"]
RECORD_FIELDS = ["last_login", "date_joined"]


def held_permission_ids(user, *, fresh=False):
    """Return the ids of every permission ``user`` holds, through groups or directly.

    Every permission, for a superuser. Unlike ``user.get_all_permissions()`` this
    counts an inactive account's permissions too: switching it back on would restore them.
    """
    cached = None if fresh else getattr(user, "_held_permission_ids", None)
    if cached is None:
        permissions = Permission.objects.all()
        if not user.is_superuser:
            permissions = permissions.filter(Q(user=user) | Q(group__user=user))
        cached = set(permissions.values_list("pk", flat=True))
        user._held_permission_ids = cached
    return cached


def may_manage_account(actor, account, *, fresh=False):
    """Return whether ``actor`` may change ``account``: it holds nothing ``actor`` lacks."""
    if actor.is_superuser:
        return True
    if account.is_superuser:
        return False
    return held_permission_ids(account, fresh=fresh) <= held_permission_ids(actor)


def grantable_groups(actor):
    """Return the groups ``actor`` may give someone: those holding nothing ``actor`` lacks."""
    if actor.is_superuser:
        return Group.objects.all()
    lacked = Permission.objects.exclude(pk__in=held_permission_ids(actor))
    return Group.objects.exclude(permissions__in=lacked)


def _group_permission_ids(group):
    return set(group.permissions.values_list("pk", flat=True))


class DirectoryUserAdmin(UserAdmin):
    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": _without(options["fields"], SUPERUSER_ONLY_FIELDS)})
            for name, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if request.user.is_superuser or obj is None:
            return readonly
        readonly += RECORD_FIELDS
        if obj.pk == request.user.pk:
            readonly += OWN_PRIVILEGE_FIELDS
        return readonly

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return _without(filters, SUPERUSER_ONLY_FIELDS)

    def lookup_allowed(self, lookup, value, request=None):
        if request is not None and not request.user.is_superuser:
            if lookup.split("__")[0] in SUPERUSER_ONLY_FIELDS:
                return False
        return super().lookup_allowed(lookup, value, request)

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups" and request is not None:
            kwargs["queryset"] = grantable_groups(request.user).order_by("name")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_manage_account(request.user, obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The last word, whatever the form held: checked on what was saved, inside
        # the admin's transaction, so a refusal saves nothing.
        account = form.instance
        account.refresh_from_db(fields=["is_superuser"])
        if not may_manage_account(request.user, account, fresh=True):
            raise PermissionDenied("You cannot give an account more than you may do yourself.")


class DirectoryGroupAdmin(GroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions" and request and not request.user.is_superuser:
            kwargs["queryset"] = Permission.objects.filter(pk__in=held_permission_ids(request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may_manage(self, request, group):
        if request.user.is_superuser or group is None:
            return True
        if group.name in ROLE_GROUPS:  # set in code after every migrate: see the docstring
            return False
        return _group_permission_ids(group) <= held_permission_ids(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(request, obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not self._may_manage(request, form.instance):
            raise PermissionDenied("You cannot give a group more than you may do yourself.")


def _without(names, unwanted):
    return type(names)(name for name in names if name not in unwanted)


for model, model_admin in [(User, DirectoryUserAdmin), (Group, DirectoryGroupAdmin)]:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
