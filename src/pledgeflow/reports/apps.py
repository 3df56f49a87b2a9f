from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "pledgeflow.reports"
    label = "reports"
