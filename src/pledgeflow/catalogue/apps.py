from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "pledgeflow.catalogue"
    label = "catalogue"
