from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "pledgeflow.training"
    label = "training"
