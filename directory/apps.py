from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Directory"

    def ready(self):
        # Areas and terms in use refuse deletion in every process, admin loaded or not.
        from . import protection  # noqa: F401

        post_migrate.connect(ensure_roles_after_last_app, dispatch_uid="directory-roles")


def ensure_roles_after_last_app(sender, **kwargs):
    """Set up the role groups once every app's permissions exist."""
    from .roles import ensure_groups

    if sender is list(apps.get_app_configs())[-1]:
        ensure_groups()
