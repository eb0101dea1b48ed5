"""Ways to get in touch with a service, as structured entries.

A listing and its organisation each keep a list of routes (phone, text, email,
website, online referral form, or "ask a professional") in a JSON field, so the
listing's history, review diff, revert and CSV round trip carry them with no
extra machinery. The organisation's routes are shared: a listing shows them
unless it has its own route of the same kind, so changing an organisation's
phone number changes it on every listing that does not give its own.

Each route is a small dict: ``kind``, ``value`` (number, address or link;
empty for "ask a professional"), ``for`` (who uses it), ``hours`` and ``note``.
``ContactRoute`` reads and checks one; the model fields' validator and the
admin's rows both use ``ContactRoute.problems``.
"""

import re
from dataclasses import asdict, dataclass
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

MAX_ROUTES = 10
MAX_TEXT = 200

KINDS = {
    "phone": "Phone",
    "text": "Text message (SMS)",
    "email": "Email",
    "website": "Website",
    "referral_form": "Online referral form",
    "ask_professional": "Ask a professional to refer you",
}
# Who each route is for. "everyone" is the default and is not spelled out publicly.
FOR = {
    "everyone": "Anyone",
    "public": "People harmed, people who caused harm and their families",
    "professionals": "Professionals making a referral",
}
PUBLIC_FOR = {"public": "For the public", "professionals": "For professionals"}

ASK_A_PROFESSIONAL = "Ask your police officer, offender manager or case worker to refer you"

_PHONE = re.compile(r"^\+?[0-9 ()-]{6,30}$")
# Text services often use a five-digit short code.
_TEXT = re.compile(r"^\+?[0-9 ()-]{5,30}$")
_PHONE_MESSAGE = (
    "Enter a phone number using digits, spaces and brackets, for example 0116 123 4567."
)
# Contact details written into free text go stale beside the structured ones.
PHONE_IN_TEXT = re.compile(r"(?<![\w/])(?:\+44\s?|0)(?:\d[\s-]?){9,10}(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


@dataclass(frozen=True)
class ContactRoute:
    kind: str
    value: str = ""
    for_whom: str = "everyone"
    hours: str = ""
    note: str = ""

    @classmethod
    def from_dict(cls, data):
        return cls(
            kind=str(data.get("kind", "")),
            value=str(data.get("value", "")).strip(),
            for_whom=str(data.get("for", "") or "everyone"),
            hours=str(data.get("hours", "")).strip(),
            note=str(data.get("note", "")).strip(),
        )

    def to_dict(self):
        data = asdict(self)
        data["for"] = data.pop("for_whom")
        # Keep stored rows small and stable: empty extras and the default "for" are left out.
        if data["for"] == "everyone":
            data["for"] = ""
        return {key: value for key, value in data.items() if value or key == "kind"}

    # --- Checks ---------------------------------------------------------------

    def problems(self):
        """Return {field: message} for everything wrong with this route."""
        found = {}
        if self.kind not in KINDS:
            found["kind"] = "Choose what kind of contact this is."
            return found
        if self.kind == "ask_professional":
            if self.value:
                found["value"] = (
                    "Leave the number or address empty for “ask a professional”: "
                    "use the note to say who to ask."
                )
        elif not self.value:
            found["value"] = f"Enter the {self.kind_label.lower()} details, or remove it."
        elif "|" in self.value:
            found["value"] = "Leave the “|” character out of the details."
        elif self.kind == "phone" and not _PHONE.match(self.value):
            found["value"] = _PHONE_MESSAGE
        elif self.kind == "text" and not _TEXT.match(self.value):
            found["value"] = "Enter the number to text, using digits, for example 07700 900123."
        elif self.kind == "email":
            try:
                EmailValidator()(self.value)
            except ValidationError:
                found["value"] = "Enter an email address like name@example.org."
        elif self.kind in ("website", "referral_form"):
            try:
                URLValidator(schemes=["https", "http"])(self.value)
            except ValidationError:
                found["value"] = "Enter a full web address starting https://"
        if self.for_whom not in FOR:
            found["for_whom"] = "Choose who this way of getting in touch is for."
        for name in ("hours", "note"):
            text = getattr(self, name)
            if len(text) > MAX_TEXT:
                found[name] = f"Keep this to {MAX_TEXT} characters or fewer."
            elif "|" in text or "\n" in text:
                found[name] = "Write this on one line, without the “|” character."
        if self.hours and self.kind not in ("phone", "text"):
            found["hours"] = "Opening hours are for a phone or text number only."
        return found

    # --- What the public sees --------------------------------------------------

    @property
    def kind_label(self):
        return KINDS.get(self.kind, self.kind)

    @property
    def for_label(self):
        """ "For the public" or "For professionals"; "" for a route anyone can use."""
        return PUBLIC_FOR.get(self.for_whom, "")

    @property
    def for_public(self):
        return self.for_whom in ("everyone", "public")

    @property
    def label(self):
        if self.kind == "ask_professional":
            return self.note or ASK_A_PROFESSIONAL
        if self.kind == "referral_form":
            return "Online referral form"
        if self.kind == "website":
            return urlsplit(self.value).netloc.removeprefix("www.") or self.value
        return self.value

    @property
    def href(self):
        digits = re.sub(r"[^0-9+]", "", self.value)
        return {
            "phone": f"tel:{digits}",
            "text": f"sms:{digits}",
            "email": f"mailto:{self.value}",
            "website": self.value,
            "referral_form": self.value,
        }.get(self.kind, "")

    @property
    def heading(self):
        """The word shown before the label on a result card, or "" when it says it all."""
        return {"phone": "Phone", "text": "Text", "email": "Email", "website": "Website"}.get(
            self.kind, ""
        )


def routes(data):
    """Read a stored list of routes, skipping anything that is not a dict."""
    return [ContactRoute.from_dict(item) for item in data or [] if isinstance(item, dict)]


def validate_routes(data):
    """The model fields' validator: every route well formed, and not too many."""
    if not isinstance(data, list):
        raise ValidationError("Ways to get in touch must be a list.")
    if len(data) > MAX_ROUTES:
        raise ValidationError(f"Give at most {MAX_ROUTES} ways to get in touch.")
    messages = []
    for number, route in enumerate(routes(data), start=1):
        for message in route.problems().values():
            messages.append(f"Way to get in touch {number} ({route.kind_label}): {message}")
    if len(routes(data)) != len(data):
        messages.append("Each way to get in touch must have a kind and details.")
    if messages:
        raise ValidationError(messages)


def effective_routes(own, shared):
    """The routes a listing shows: its ``own``, then the organisation's ``shared``
    routes of every kind the listing does not give itself."""
    own, shared = routes(own), routes(shared)
    own_kinds = {route.kind for route in own}
    return [*own, *(route for route in shared if route.kind not in own_kinds)]


def first_public(all_routes):
    """The route a result card shows first: phone, website, form, email, text, ask."""
    order = ["phone", "website", "referral_form", "email", "text", "ask_professional"]
    public = [route for route in all_routes if route.for_public]
    return min(public, key=lambda route: order.index(route.kind), default=None)


# --- One line per route, for the CSV ---------------------------------------------
# kind | value | for | hours | note   (trailing empty parts may be left off)


def to_text(data):
    lines = []
    for route in routes(data):
        parts = [route.kind, route.value, route.for_whom, route.hours, route.note]
        while len(parts) > 2 and parts[-1] in ("", "everyone"):
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def from_text(text):
    """Parse ``to_text``'s format; raise ValidationError naming the line at fault."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 5:
            raise ValidationError(
                f"Line {number}: use at most five parts: kind | details | for | hours | note."
            )
        parts += [""] * (5 - len(parts))
        kind, value, for_whom, hours, note = parts
        if kind not in KINDS:
            raise ValidationError(
                f"Line {number}: “{kind}” is not a kind of contact. Use one of: "
                + ", ".join(KINDS)
                + "."
            )
        route = ContactRoute(kind, value, for_whom or "everyone", hours, note)
        found.append(route.to_dict())
    return found
