from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "pledgeflow.web"
    label = "web"
