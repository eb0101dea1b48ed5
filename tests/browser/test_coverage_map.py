"""The coverage map by keyboard and without JavaScript: every area is a link that takes
focus in turn, shows it plainly and opens the area's page; the form works without scripts."""

import pytest
from playwright.sync_api import expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

FOCUSED = """() => {
  const el = document.activeElement;
  const path = el && el.querySelector("path");
  return el && path ? {label: el.getAttribute("aria-label"),
                       fill: getComputedStyle(path).fill} : null;
}"""


@pytest.mark.parametrize("width", ["375px", "1280px"])
def test_each_area_takes_focus_visibly_and_opens_its_page(open_page, site, width):
    page = open_page(width)
    page.goto(site + "/areas/map/")
    page.locator("button", has_text="Update the map").focus()
    labels = []
    for _ in range(35):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused is not None, f"after {labels[-1:]} focus left the map"
        assert focused["fill"] == "rgb(255, 221, 0)", focused  # GOV.UK's focus yellow
        labels.append(focused["label"])
    assert len(set(labels)) == 35
    assert any(label.startswith("Charnwood: ") for label in labels)
    page.keyboard.press("Shift+Tab")
    name = page.evaluate(FOCUSED)["label"].split(":")[0]
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(f"Services in {name}")


def test_the_form_changes_the_map_without_javascript(open_page, site):
    page = open_page("375px", javascript=False)
    page.goto(site + "/areas/map/")
    page.select_option("#audience", label="People who caused harm")
    page.select_option("#show", label="Police areas")
    page.get_by_role("button", name="Update the map").click()
    expect(page.locator("#map-caption")).to_have_text(
        "Police areas: services for people who caused harm"
    )
    expect(page.locator(".app-map__svg a")).to_have_count(5)
    page.locator(".app-map-table a", has_text="Lincolnshire police area").click()
    expect(page).to_have_url(
        site + "/services/?area=lincolnshire-police-area&audience=people-who-caused-harm"
    )
