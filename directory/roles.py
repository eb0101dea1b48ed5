"""Who may do what: forum staff curate everything; provider editors keep their
own organisation's listings and shared ways to get in touch current, and see
nothing else.

The two roles are Django groups, created (and their permissions kept in step)
after every migrate, so the admin's own permission checks do most of the work.
"""

from django.contrib.auth.models import Group, Permission

FORUM_STAFF = "Forum staff"
PROVIDER_EDITORS = "Provider editors"

# Provider editors may view, add and change listings; never delete them.
EDITOR_PERMISSIONS = [("directory", "listing", action) for action in ("view", "add", "change")]
# Forum staff get every permission of these apps, and may manage people.
STAFF_APPS = ["directory", "pages", "hub", "missedsearches"]
STAFF_EXTRA_MODELS = [
    ("auth", "user"),
    ("auth", "group"),
    ("admin", "logentry"),
    ("axes", "accessattempt"),
    ("outbox", "queuedemail"),  # read-only in the admin: emails that have not gone yet
]


def is_forum_staff(user):
    """Return whether ``user`` curates the whole directory."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_forum_staff", None)
    if cached is None:
        cached = user.groups.filter(name=FORUM_STAFF).exists()
        user._is_forum_staff = cached
    return cached


def editable_organisation_ids(user):
    """Return the ids of the organisations whose listings ``user`` may edit."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_editable_organisation_ids", None)
    if cached is None:
        cached = set(user.edited_organisations.values_list("pk", flat=True))
        user._editable_organisation_ids = cached
    return cached


def can_edit_shared_routes(user, organisation):
    """Return whether ``user`` may change the shared ways to get in touch of
    ``organisation``: forum staff who may change organisations, and that
    organisation's own editors. Nothing else about an organisation is theirs."""
    if is_forum_staff(user):
        return user.has_perm("directory.change_organisation")
    return (
        user.is_active
        and user.is_staff
        and user.has_perm("directory.change_listing")
        and organisation.pk in editable_organisation_ids(user)
    )


def ensure_groups(**kwargs):
    """Create the two role groups and give them their permissions."""
    staff, _ = Group.objects.get_or_create(name=FORUM_STAFF)
    staff_perms = Permission.objects.filter(content_type__app_label__in=STAFF_APPS)
    for app_label, model in STAFF_EXTRA_MODELS:
        staff_perms = staff_perms | Permission.objects.filter(
            content_type__app_label=app_label, content_type__model=model
        )
    staff.permissions.set(staff_perms)

    editors, _ = Group.objects.get_or_create(name=PROVIDER_EDITORS)
    editors.permissions.set(
        [
            Permission.objects.get(
                content_type__app_label=app, content_type__model=model, codename=f"{action}_{model}"
            )
            for app, model, action in EDITOR_PERMISSIONS
        ]
    )


def can_export_listings(user):
    """Return whether ``user`` may download every listing, drafts and archived ones too."""
    return is_forum_staff(user) and user.has_perm("directory.view_listing")


def can_import_listings(user):
    """Return whether ``user`` may add and change listings in bulk from a CSV file."""
    return is_forum_staff(user) and user.has_perms(
        ["directory.add_listing", "directory.change_listing"]
    )


class ForumStaffOnlyAdminMixin:
    """Show a ModelAdmin to forum staff (and superusers) only: every permission hook
    also asks for forum staff, so even a permission granted to a provider editor by
    mistake shows them nothing."""

    def has_module_permission(self, request):
        return is_forum_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return is_forum_staff(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return is_forum_staff(request.user) and super().has_delete_permission(request, obj)
