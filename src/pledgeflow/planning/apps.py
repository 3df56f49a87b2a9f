from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "pledgeflow.planning"
    label = "planning"
