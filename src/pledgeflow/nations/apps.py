from django.apps import AppConfig


class NationsConfig(AppConfig):
    name = "pledgeflow.nations"
    label = "nations"
