from django.apps import AppConfig


class MissedSearchesConfig(AppConfig):
    name = "missedsearches"
    verbose_name = "Searches that found nothing"
