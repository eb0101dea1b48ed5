from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin, with the directory's own site as ``admin.site`` (emrj/admin_site.py)."""

    default_site = "emrj.admin_site.DirectoryAdminSite"
