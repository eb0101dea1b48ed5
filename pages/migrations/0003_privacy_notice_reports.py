"""Say in the privacy notice who receives a problem report and for how long the
site remembers a visitor's address for its rate limit.

Changes only the seeded wording, so a version staff have edited is left alone.
"""

from django.db import migrations

OLD = (
    'The "Report a problem" form asks what is wrong with the page. You do not have to give an '
    "email address. If you do, we use it only to reply to you about your report."
)
NEW = (
    'The "Report a problem" form asks what is wrong with the page. You do not have to give an '
    "email address. We send your report, and your email address if you give one, to the people "
    "who keep that service's listing up to date, so that they can correct it and reply to you. "
    "Forum staff can see reports too. We use your email address only to reply about your "
    "report.\n\n"
    "To stop the form being misused, we count how many reports come from each internet address "
    "in an hour. We keep only a scrambled form of the address, and forget it after an hour."
)
OLD_DELETE = "We delete reports within 12 months of closing them."
NEW_DELETE = "We delete reports automatically 12 months after they are closed."


def update(apps, schema_editor):
    Page = apps.get_model("pages", "Page")
    page = Page.objects.filter(slug="privacy").first()
    if page and OLD in page.body:
        page.body = page.body.replace(OLD, NEW).replace(OLD_DELETE, NEW_DELETE)
        page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("pages", "0002_seed_pages")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
