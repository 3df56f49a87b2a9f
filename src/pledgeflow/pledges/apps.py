from django.apps import AppConfig


class PledgesConfig(AppConfig):
    name = "pledgeflow.pledges"
    label = "pledges"
