from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pledgeflow.accounts"
    label = "accounts"
