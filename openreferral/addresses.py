"""Read a UK postal address typed as free text into Open Referral's address fields."""

import re

# Counties a last line may name (the region's, and any "...shire"); otherwise the last
# line is the town, and the town stands in for the county the standard requires.
COUNTIES = {"rutland", "greater london", "west midlands", "merseyside", "tyne and wear"}

# The UK postcode shape (outward code, space optional, inward code), e.g. LE1 6ZG, DE11 0AB.
POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\s*$", re.IGNORECASE)


def parse_address(text):
    """Return a dict of address_1, address_2, city, state_province and postal_code, or None.

    Lines (or comma-separated parts) before the postcode are read as: first the street
    address, then any further lines, then the town, then the county if the last line
    names one. An address without a postcode and a town cannot be published in the
    standard's structured form, so None is returned and the caller leaves it out.
    """
    parts = [part.strip() for part in re.split(r"[\n,]", text or "") if part.strip()]
    if not parts:
        return None
    match = POSTCODE.search(parts[-1])
    if not match:
        return None
    postcode = f"{match[1]} {match[2]}".upper()
    rest = parts[-1][: match.start()].strip()
    lines = [*parts[:-1], rest] if rest else parts[:-1]
    if len(lines) < 2:
        return None
    if len(lines) >= 3 and _is_county(lines[-1]):
        *street, city, county = lines
    else:
        *street, city = lines
        county = city
    address = {
        "address_1": street[0],
        "address_2": ", ".join(street[1:]),
        "city": city,
        "state_province": county,
        "postal_code": postcode,
    }
    return {key: value for key, value in address.items() if value}


def _is_county(line):
    name = line.lower()
    return name.endswith("shire") or name in COUNTIES
