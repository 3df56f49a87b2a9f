from django.apps import AppConfig


class RequirementsConfig(AppConfig):
    name = "pledgeflow.requirements"
    label = "requirements"
