from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Users, roles, API tokens, sign-in lock-out and the permission rules."""

    name = "pledgeflow.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.core import checks

        from pledgeflow.accounts.checks import check_authentication_backends

        # A deployment check: ``pledgeflow manage check --deploy`` reports a backend that bypasses lock-out.
        checks.register(check_authentication_backends, checks.Tags.security, deploy=True)
