"""What every endpoint shares: authentication, the docs, the error shape, paging and ordering."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from openapi_spec_validator import validate as validate_openapi

from pledgeflow.accounts import services as accounts_services
from pledgeflow.catalogue.models import Family
from pledgeflow.nations.models import Nation
from tests.db import factories
from tests.db.api.conftest import API, ApiClient

pytestmark = pytest.mark.django_db


# -- authentication --


def test_a_request_without_credentials_is_refused_with_401(anonymous: ApiClient) -> None:
    answer = anonymous.get("/nations")
    assert answer.status == 401
    assert "Authorization: Bearer" in answer.json["detail"]
    assert answer.header("WWW-Authenticate") is not None


def test_an_unknown_bearer_token_is_refused_with_401_saying_how_to_get_one(viewer: Any) -> None:
    answer = ApiClient(None, token="pf_deadbeef_not-a-real-secret").get("/nations")
    assert answer.status == 401
    assert "pledgeflow token create" in answer.json["detail"]


def test_another_authorization_scheme_is_no_credential(viewer: Any) -> None:
    client = Client(headers={"Authorization": "Token abc"})
    assert client.get(f"{API}/nations").status_code == 401
    client.force_login(viewer)  # a proxy's own Basic/Token header does not hide the session behind it
    assert client.get(f"{API}/nations").status_code == 200


def test_a_valid_token_is_accepted_and_its_last_use_recorded(viewer: Any) -> None:
    token, plaintext = accounts_services.create_token(viewer, "script")
    assert token.last_used_at is None
    answer = ApiClient(viewer, token=plaintext).get("/nations")
    assert answer.status == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(viewer: Any) -> None:
    token, plaintext = accounts_services.create_token(viewer, "script")
    client = ApiClient(viewer, token=plaintext)
    assert client.get("/nations").status == 200
    accounts_services.revoke_token(None, token)
    assert client.get("/nations").status == 401


def test_a_deactivated_users_token_is_refused(viewer: Any) -> None:
    client = ApiClient(viewer)
    viewer.is_active = False
    viewer.save()
    assert client.get("/nations").status == 401


def test_the_signed_in_session_reads_without_a_token(viewer: Any) -> None:
    client = Client()
    client.force_login(viewer)
    assert client.get(f"{API}/nations").status_code == 200


def test_a_session_write_without_csrf_token_is_refused_and_stores_nothing(coordinator: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    body = {"code": "drones-fpv", "name": "FPV drones", "capability_area": "drones"}
    response = client.post(f"{API}/catalogue/families", body, content_type="application/json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Family.objects.filter(code="drones-fpv").exists()


def test_a_session_write_with_the_csrf_token_succeeds(coordinator: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    # What a page's form leaves in the browser: the CSRF cookie, whose value HTMX echoes in the header.
    token = "pledgeflowcsrfsecret0123456789ab"
    client.cookies["csrftoken"] = token
    body = {"code": "drones-fpv", "name": "FPV drones", "capability_area": "drones"}
    response = client.post(
        f"{API}/catalogue/families", body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 201, response.content


def test_an_anonymous_write_is_refused_with_401_not_a_csrf_error(db: None) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"{API}/catalogue/families", {}, content_type="application/json")
    assert response.status_code == 401


# -- docs and schema --


def test_the_openapi_schema_is_valid_and_lists_every_resource(anonymous: ApiClient) -> None:
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    validate_openapi(schema)
    paths = set(schema["paths"])
    for expected in [
        "/api/v1/nations",
        "/api/v1/nations/{code}",
        "/api/v1/catalogue/capability-areas",
        "/api/v1/catalogue/families",
        "/api/v1/catalogue/items/{code}",
        "/api/v1/logistics/locations",
        "/api/v1/logistics/routes/{route_id}",
        "/api/v1/requirements",
        "/api/v1/requirements/{requirement_id}/approve",
        "/api/v1/requirements/{requirement_id}/history",
        "/api/v1/requirements/list-versions/{key}/approve",
        "/api/v1/pledges",
        "/api/v1/pledges/{pledge_id}",
        "/api/v1/pledges/{pledge_id}/milestones",
        "/api/v1/pledges/{pledge_id}/withdraw",
        "/api/v1/pledges/{pledge_id}/history",
        "/api/v1/pledges/totals",
    ]:
        assert expected in paths
    security = schema["components"]["securitySchemes"]
    assert any(scheme.get("scheme") == "bearer" for scheme in security.values())
    # Every operation documents the error shape of the refusals it may answer.
    patch = schema["paths"]["/api/v1/pledges/{pledge_id}"]["patch"]["responses"]
    assert {"401", "403", "404", "409", "422", "428"} <= set(patch)
    assert patch["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


def test_the_docs_page_is_served_without_any_other_origin(db: None) -> None:
    response = Client().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references, "the docs page loads its scripts and styles"
    for reference in references:
        assert not re.match(r"^(https?:)?//", reference), f"{reference} is on another origin"
    assert "cdn" not in html.lower()
    # Every asset is served by pledgeflow itself, and Swagger UI's validator badge (a call-out) is off.
    for reference in references:
        assert Client().get(reference).status_code == 200, reference
    settings_json = re.search(r'id="swagger-settings">(.*?)</script>', html, re.S)
    assert settings_json is not None
    assert json.loads(settings_json.group(1))["validatorUrl"] is None


# -- the error shape --


def test_a_request_body_of_the_wrong_type_gets_422_naming_the_field_and_stores_nothing(
    api_as: Any, coordinator: Any
) -> None:
    body = {
        "code": "x-1",
        "name": "X",
        "family": "155mm-artillery-ammunition",
        "supply_class": "V",
        "unit_value_eur": "a lot",
    }
    factories.family()
    answer = api_as(coordinator).post("/catalogue/items", body)
    assert answer.status == 422
    assert answer.json["errors"] == [
        {
            "field": "unit_value_eur",
            "path": "body.unit_value_eur",
            "message": answer.json["errors"][0]["message"],
        }
    ]
    assert answer.json["errors"][0]["message"]


def test_a_missing_required_field_is_named(api_as: Any, coordinator: Any) -> None:
    answer = api_as(coordinator).post("/catalogue/families", {"code": "x"})
    assert answer.status == 422
    assert answer.error_fields() == {"name", "capability_area"}
    assert {error["path"] for error in answer.json["errors"]} == {"body.name", "body.capability_area"}


def test_a_body_that_is_not_json_gets_400(api_as: Any, coordinator: Any) -> None:
    client = api_as(coordinator)
    response = client.client.post(f"{API}/catalogue/families", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["path"] == "body"


def test_a_bad_query_parameter_is_named_with_its_query_path(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"limit": 501})
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "limit"
    assert answer.json["errors"][0]["path"] == "query.limit"


def test_a_model_validation_error_names_each_field_in_the_same_shape(api_as: Any, coordinator: Any) -> None:
    body = {"code": "not a slug!", "name": "X", "capability_area": "artillery"}
    answer = api_as(coordinator).post("/catalogue/families", body)
    assert answer.status == 422
    assert answer.json["errors"][0]["field"] == "code"
    assert answer.json["errors"][0]["path"] == "body.code"
    assert "code" in answer.json["detail"]


def test_an_unknown_record_gets_404_in_the_error_shape(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/catalogue/items/no-such-item")
    assert answer.status == 404
    assert answer.json == {"detail": answer.json["detail"], "errors": []}


# -- paging and ordering --


def test_a_list_answers_its_total_count_and_one_page(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"limit": 5, "offset": 3})
    assert answer.status == 200
    assert answer.json["count"] == Nation.objects.count()
    assert answer.json["limit"] == 5
    assert answer.json["offset"] == 3
    assert len(answer.json["items"]) == 5


def test_pages_follow_one_another_without_gaps_or_repeats(api_as: Any, viewer: Any) -> None:
    client = api_as(viewer)
    everything = [n["code"] for n in client.get("/nations", {"limit": 500, "ordering": "kind"}).json["items"]]
    paged: list[str] = []
    for offset in range(0, len(everything), 7):
        page = client.get("/nations", {"limit": 7, "offset": offset, "ordering": "kind"}).json["items"]
        paged.extend(n["code"] for n in page)
    assert paged == everything
    assert len(set(paged)) == len(paged)


def test_ordering_descending_reverses_the_list(api_as: Any, viewer: Any) -> None:
    client = api_as(viewer)
    ascending = [n["code"] for n in client.get("/nations", {"limit": 500, "ordering": "code"}).json["items"]]
    descending = [
        n["code"] for n in client.get("/nations", {"limit": 500, "ordering": "-code"}).json["items"]
    ]
    assert descending == list(reversed(ascending))


def test_an_unknown_ordering_field_is_refused_naming_the_choices(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"ordering": "password"})
    assert answer.status == 422
    assert answer.json["errors"][0]["path"] == "query.ordering"
    assert "code" in answer.json["errors"][0]["message"]


def test_an_offset_beyond_the_end_answers_an_empty_page_with_the_count(api_as: Any, viewer: Any) -> None:
    answer = api_as(viewer).get("/nations", {"offset": 10_000})
    assert answer.status == 200
    assert answer.json["items"] == []
    assert answer.json["count"] == Nation.objects.count()


def test_a_race_caught_by_the_database_gets_409_without_the_databases_message(
    api_as: Any, coordinator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import IntegrityError

    from pledgeflow.catalogue import services

    def racing(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError('duplicate key value violates unique constraint "secret_red_pledge_key"')

    monkeypatch.setattr(services, "create_family", racing)
    body = {"code": "drones-fpv", "name": "FPV drones", "capability_area": "drones"}
    answer = api_as(coordinator).post("/catalogue/families", body)
    assert answer.status == 409
    assert "secret" not in answer.response.content.decode()
    assert "retry" in answer.json["detail"]


def test_a_duplicate_code_is_refused_naming_the_code(api_as: Any, coordinator: Any) -> None:
    factories.family("drones-fpv", area="drones")
    body = {"code": "drones-fpv", "name": "FPV drones", "capability_area": "drones"}
    answer = api_as(coordinator).post("/catalogue/families", body)
    assert answer.status == 422
    assert answer.error_fields() == {"code"}
