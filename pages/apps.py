from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Information pages"

    def ready(self):
        from . import seeding
        from .models import Page

        seeding.register(Page, self.path + "/content", page_from_file)
        # Once per migrate (and per flush), after every app's tables exist.
        post_migrate.connect(
            seeding.load_after_migrate, sender=self, dispatch_uid="pages-load-content"
        )


def page_from_file(meta, body):
    """An information page from pages/content/<its web address>.md."""
    return {
        "title": meta["title"],
        "summary": meta["summary"],
        "body": body,
        "position": meta.get("position", 0),
        "show_in_footer": meta.get("show_in_footer", False),
        "published": True,
    }
