from django.apps import AppConfig


class HubConfig(AppConfig):
    name = "hub"
    verbose_name = "Knowledge hub"

    def ready(self):
        from pages import seeding
        from sitecache import schedule

        from . import content, models

        schedule.register(models.next_change)

        seeding.register(self.get_model("NewsItem"), f"{self.path}/content/news", content.news)
        seeding.register(
            self.get_model("Briefing"), f"{self.path}/content/briefings", content.briefing
        )
        seeding.register(self.get_model("Event"), f"{self.path}/content/events", content.event)
