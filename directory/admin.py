from django import forms
from django.contrib import admin

from .models import Area, Listing, Organisation, Term

TERM_FIELDS = {"audiences", "age_groups", "delivery_modes", "settings", "case_types"}


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["parent"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "updated"]
    list_filter = ["kind"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "vocabulary", "position"]
    list_filter = ["vocabulary"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "last_checked", "updated"]
    list_filter = ["status", "organisation__kind", "self_referral"]
    search_fields = ["name", "summary", "organisation__name"]
    list_select_related = ["organisation"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["areas"]
    readonly_fields = ["uuid", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "organisation", "summary", "description"]}),
        (
            "Who and how",
            {
                "fields": [
                    "audiences",
                    "age_groups",
                    "delivery_modes",
                    "settings",
                    "case_types",
                    "areas",
                ]
            },
        ),
        (
            "Referrals",
            {"fields": ["self_referral", "how_to_refer", "referral_form_url"]},
        ),
        ("Contact details", {"fields": ["phone", "email", "website", "address"]}),
        (
            "Publishing",
            {"fields": ["status", "accreditation", "last_checked", "uuid", "created", "updated"]},
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in TERM_FIELDS:
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)
