"""The one NinjaAPI instance; each bounded context adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="pledgeflow API",
    version="1",
    description="The system of record for security assistance coordination. Authenticate with "
    "`Authorization: Bearer <token>` (create one with `pledgeflow token create`).",
    urls_namespace="api-v1",
)
