from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "pledgeflow.logistics"
    label = "logistics"
