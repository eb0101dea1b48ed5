"""Forms the public fills in."""

from django import forms

from .models import ProblemReport

MESSAGE_MAX_LENGTH = ProblemReport._meta.get_field("message").max_length


class MessageField(forms.CharField):
    """A text box whose line breaks count as one character each, as the
    character count on the page counts them (browsers send two)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ProblemReportForm(forms.Form):
    message = MessageField(
        label="What is wrong?",
        max_length=MESSAGE_MAX_LENGTH,
        error_messages={
            "required": "Tell us what is wrong",
            "max_length": (
                f"What is wrong must be {MESSAGE_MAX_LENGTH:,} characters or less "
                "(you have written %(show_value)s)"
            ),
        },
    )
    email = forms.EmailField(
        label="Your email address, if you would like a reply",
        required=False,
        max_length=254,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Your email address must be 254 characters or less",
        },
    )
    # A honeypot: hidden from people, filled in by some spam robots.
    website = forms.CharField(label="Leave this empty", required=False, strip=False)

    @property
    def is_spam(self):
        """Return whether the hidden field people never see was filled in."""
        return bool(self.data.get("website", ""))

    def error_list(self):
        """Return the errors for the error summary, in the order of the fields."""
        return [
            {"field": name, "message": message}
            for name in self.fields
            for message in self.errors.get(name, [])
        ]
