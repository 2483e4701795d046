from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = "Đánh giá sự hài lòng và phản ánh, kiến nghị"

    def ready(self) -> None:
        from feedback import checks  # noqa: F401  (registers the settings checks)
