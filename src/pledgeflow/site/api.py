"""The one NinjaAPI instance, mounted at /api/v1/; each bounded context adds its router here.

Every operation requires a signed-in user (bearer token or session, :data:`pledgeflow.core.api_support.AUTH`)
and answers refusals in the one error shape of :func:`pledgeflow.core.api_support.install_error_handlers`.
docs/api.md is the guide.
"""

from ninja import NinjaAPI, Swagger

from pledgeflow.catalogue.api import router as catalogue_router
from pledgeflow.core.api_support import AUTH, install_error_handlers
from pledgeflow.logistics.api import router as logistics_router
from pledgeflow.nations.api import router as nations_router
from pledgeflow.pledges.api import router as pledges_router
from pledgeflow.requirements.api import router as requirements_router

api = NinjaAPI(
    title="pledgeflow API",
    version="1",
    description=(
        "The system of record for security assistance coordination.\n\n"
        "Authenticate with `Authorization: Bearer <token>` (create one with `pledgeflow token create`); the "
        "pages' own calls use the signed-in session with a CSRF token.\n\n"
        "Lists take `limit` (1-500, default 50), `offset` and `ordering` (comma-separated, `-` for "
        "descending) and answer `count` with the page's `items`. Updates name the version they are based on "
        "(`version` field or `If-Match`); a stale one is refused with 409 and the current version. Every "
        'refusal has the shape `{"detail": "...", "errors": [{"field", "path", "message"}]}`.'
    ),
    urls_namespace="api-v1",
    auth=AUTH,
    # Swagger UI from ninja's own static files, and no call-outs: its spec-validator badge would go online.
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": True}),
)
install_error_handlers(api)

api.add_router("/nations", nations_router)
api.add_router("/catalogue", catalogue_router)
api.add_router("/logistics", logistics_router)
api.add_router("/requirements", requirements_router)
api.add_router("/pledges", pledges_router)
api.add_router("", "pledgeflow.planning.api.router")
api.add_router("/reports", "pledgeflow.reports.api.router")
api.add_router("/training", "pledgeflow.training.api.router")
