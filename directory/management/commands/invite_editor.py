"""Invite a provider editor by email, or remove one, from the command line."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from directory.invitations import invite_editor, normalise_email, remove_editor
from directory.models import Organisation

# Up to this many organisations, an unknown slug lists the valid ones.
LIST_SLUGS_UP_TO = 30


class Command(BaseCommand):
    help = (
        "Make the person at EMAIL an editor of the organisation ORGANISATION-SLUG and email "
        "them a one-time link to choose their password. With --remove, stop them editing it."
    )

    def add_arguments(self, parser):
        parser.add_argument("organisation", metavar="organisation-slug")
        parser.add_argument("email")
        parser.add_argument(
            "--remove",
            action="store_true",
            help="Remove this editor instead (their account is kept, and switched off if "
            "they edit no other organisation).",
        )

    def handle(self, *args, organisation, email, remove, **options):
        organisation = self.get_organisation(organisation)
        try:
            if remove:
                message = self.remove(organisation, email)
            else:
                user = invite_editor(organisation=organisation, email=email)
                message = f"Invited {user.email} to {organisation}; " + (
                    "the email with a link to set a password could not be sent yet. "
                    "Saved; the email will be sent again automatically."
                    if user.invitation_email.failed
                    else "an email with a link to set a password has been sent."
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(message))

    def get_organisation(self, slug):
        try:
            return Organisation.objects.get(slug=slug)
        except Organisation.DoesNotExist:
            pass
        message = f"No organisation has the slug “{slug}”."
        slugs = list(Organisation.objects.values_list("slug", flat=True)[: LIST_SLUGS_UP_TO + 1])
        if not slugs:
            message += " There are no organisations yet."
        elif len(slugs) <= LIST_SLUGS_UP_TO:
            message += " Choose one of: " + ", ".join(sorted(slugs)) + "."
        else:
            message += " Find the slug on the organisation's page in the admin."
        raise CommandError(message)

    def remove(self, organisation, email):
        email = normalise_email(email)
        editor = organisation.editors.filter(email__iexact=email).first()
        if editor is None:
            editor = organisation.editors.filter(
                **{f"{get_user_model().USERNAME_FIELD}__iexact": email}
            ).first()
        if editor is None:
            raise CommandError(f"{email} is not an editor of {organisation}.")
        deactivated = remove_editor(organisation=organisation, user=editor)
        message = f"Removed {email} as an editor of {organisation}."
        if deactivated:
            message += " They edit no other organisation, so their account is switched off."
        return message
