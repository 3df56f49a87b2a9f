from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "pledgeflow.core"
    label = "core"
