import pytest
from django.urls import reverse

from .admin_forms import edit_version

pytestmark = pytest.mark.django_db


def test_staff_can_revert_an_organisation_to_an_earlier_version(as_staff, org_a):
    org_a.description = "First wording."
    org_a.save()
    first = org_a.history.order_by("-history_date").first()
    org_a.description = "Second wording."
    org_a.save()
    url = reverse("admin:directory_organisation_simple_history", args=[org_a.pk, first.pk])
    page = as_staff.get(url)
    versions_before = org_a.history.count()
    assert page.status_code == 200
    assert "Revert" in page.content.decode()
    response = as_staff.post(
        url,
        {
            **edit_version(org_a),
            "name": first.name,
            "slug": first.slug,
            "kind": first.kind,
            "description": first.description,
            "website": first.website,
            "_save": "Revert",
        },
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.description == "First wording."
    assert org_a.history.count() == versions_before + 1


def test_organisation_history_lists_who_changed_it(as_staff, org_a, staff_user):
    org_a.description = "Changed."
    org_a._history_user = staff_user
    org_a.save()
    page = as_staff.get(reverse("admin:directory_organisation_history", args=[org_a.pk]))
    assert page.status_code == 200
    assert staff_user.username in page.content.decode()


def test_editors_cannot_see_organisation_history(as_editor_a, org_a):
    url = reverse("admin:directory_organisation_history", args=[org_a.pk])
    assert as_editor_a.get(url).status_code in {403, 404}
