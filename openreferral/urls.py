"""The Open Referral UK endpoints, with or without a trailing slash."""

from django.urls import re_path

from . import views

app_name = "openreferral"

ID = r"(?P<id>[^/]+)"


def endpoint(route, view, name):
    return re_path(rf"^{route}/?$", view, name=name)


urlpatterns = [
    re_path(r"^$", views.root, name="root"),
    endpoint("openapi.json", views.openapi, "openapi"),
    endpoint("services", views.service_list, "services"),
    endpoint(f"services/{ID}", views.service_detail, "service"),
    endpoint("service_at_locations", views.service_at_location_list, "service-at-locations"),
    endpoint(f"service_at_locations/{ID}", views.service_at_location_detail, "service-at-location"),
    endpoint("organizations", views.organization_list, "organizations"),
    endpoint(f"organizations/{ID}", views.organization_detail, "organization"),
    endpoint("taxonomies", views.taxonomy_list, "taxonomies"),
    endpoint(f"taxonomies/{ID}", views.taxonomy_detail, "taxonomy"),
    endpoint("taxonomy_terms", views.taxonomy_term_list, "taxonomy-terms"),
    endpoint(f"taxonomy_terms/{ID}", views.taxonomy_term_detail, "taxonomy-term"),
    re_path(r"^(?P<rest>.*)$", views.not_found),
]
