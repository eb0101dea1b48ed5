"""Keyboard only: skip link first, every control reachable and visibly focused, none hidden
under the sticky exit button, and the filters usable without a mouse."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SEARCH = "/services/?q=restorative&area=leicester"

# Return what the focused element looks like focused and unfocused, and whether anything
# (such as the sticky exit button) covers its centre.
INSPECT_FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const look = () => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow,
            s.backgroundColor, s.color, s.textDecorationLine, s.textDecorationThickness];
  };
  const focused = look();
  // A link wrapping onto two lines: its first line box, not the rectangle around both.
  const box = el.getClientRects()[0] || el.getBoundingClientRect();
  const x = box.left + box.width / 2, y = box.top + box.height / 2;
  const hit = document.elementFromPoint(x, y);
  const covered = !(hit && (hit === el || el.contains(hit) ||
                           (el.labels && [...el.labels].some(l => l.contains(hit)))));
  const description = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    " " + (el.textContent || el.name || "").trim().slice(0, 40);
  el.blur();
  const unfocused = look();
  el.focus({preventScroll: true});
  return {description, changed: JSON.stringify(focused) !== JSON.stringify(unfocused),
          covered, hit: hit ? hit.outerHTML.slice(0, 80) : null,
          inView: box.bottom > 0 && box.top < innerHeight && box.width > 0};
}"""


@pytest.mark.parametrize("width", ["375px", "1280px"])
def test_every_control_is_reachable_visibly_focused_and_uncovered(open_page, site, width):
    page = open_page(width)
    page.goto(site + SEARCH)
    expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)

    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_class(re.compile("govuk-skip-link"))

    problems, seen = [], []
    for _ in range(150):
        focus = page.evaluate(INSPECT_FOCUS)
        if focus is None or focus["description"] in seen[:1]:
            break
        seen.append(focus["description"])
        if not focus["changed"]:
            problems.append(f"no visible focus: {focus['description']}")
        if not focus["inView"] or focus["covered"]:
            problems.append(f"hidden: {focus['description']} (under {focus['hit']})")
        page.keyboard.press("Tab")
    assert len(seen) > 20
    assert any("Apply filters" in s for s in seen)
    assert any("Exit this page" in s for s in seen)
    assert problems == []


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching ``selector`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_filters_can_be_used_with_the_keyboard(open_page, site, javascript):
    page = open_page("375px", javascript=javascript)
    page.goto(site + "/services/?q=restorative")
    tab_to(page, "details:has(#mode-shuttle-mediation) summary")
    page.keyboard.press("Enter")
    tab_to(page, "#mode-shuttle-mediation")
    page.keyboard.press("Space")
    expect(page.locator("#mode-shuttle-mediation")).to_be_checked()
    tab_to(page, "button.govuk-button--secondary")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"mode=shuttle-mediation"))
    expect(page.locator("#mode-shuttle-mediation")).to_be_checked()
