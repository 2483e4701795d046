from django.apps import AppConfig


class ApologyLettersConfig(AppConfig):
    name = "apology_letters"
    verbose_name = "Phiếu xin lỗi và hẹn lại ngày trả kết quả"
