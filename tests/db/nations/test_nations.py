"""Nation validation, selectors and the one use case: a coordinator correcting a nation's figures."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from pledgeflow.core.errors import NotFound, PermissionDenied, StaleVersion, ValidationError
from pledgeflow.core.services import history_of
from pledgeflow.nations import selectors, services
from pledgeflow.nations.models import Nation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["deu", "DE", "DEUT", "D3U", ""])
def test_a_nation_code_is_three_upper_case_letters(code) -> None:
    with pytest.raises(ValidationError) as refused:
        Nation(code=code, name="Somewhere", kind="partner").full_clean()
    messages = refused.value.message_dict["code"]
    if code:
        expected = "A nation code is three upper-case letters (ISO 3166 alpha-3, the EU as EUU), e.g. DEU; "
        assert expected + f"got {code!r}." in messages
    else:
        assert messages == ["This field cannot be blank."]


def test_a_nation_kind_must_be_one_of_the_four() -> None:
    with pytest.raises(ValidationError) as refused:
        Nation(code="XKX", name="Kosovo", kind="observer").full_clean()
    assert "kind" in refused.value.message_dict


def test_gdp_cannot_be_negative() -> None:
    with pytest.raises(ValidationError) as refused:
        Nation(
            code="XKX", name="Kosovo", kind="partner", gdp_usd_bn=Decimal("-1"), gdp_year=2023, gdp_source="x"
        ).full_clean()
    assert refused.value.message_dict["gdp_usd_bn"] == ["GDP cannot be negative; got -1."]


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (1959, "The GDP year must be 1960 or later; got 1959."),
        (2101, "The GDP year must be 2100 or earlier; got 2101."),
    ],
)
def test_the_gdp_year_is_plausible(year, message) -> None:
    with pytest.raises(ValidationError) as refused:
        Nation(
            code="XKX",
            name="Kosovo",
            kind="partner",
            gdp_usd_bn=Decimal("10.4"),
            gdp_year=year,
            gdp_source="x",
        ).full_clean()
    assert refused.value.message_dict["gdp_year"] == [message]


def test_a_gdp_figure_names_its_year_and_source() -> None:
    with pytest.raises(ValidationError) as refused:
        Nation(code="XKX", name="Kosovo", kind="partner", gdp_usd_bn=Decimal("10.4")).full_clean()
    assert refused.value.message_dict == {
        "gdp_year": ["Give the year of the GDP figure (e.g. 2023)."],
        "gdp_source": ["Name the source of the GDP figure (e.g. World Bank NY.GDP.MKTP.CD)."],
    }


def test_a_coordinator_corrects_a_gdp_figure_with_history(coordinator) -> None:
    deu = Nation.objects.get(code="DEU")
    updated = services.update_nation(
        coordinator, deu, {"gdp_usd_bn": Decimal("4525.7"), "gdp_year": 2024, "gdp_source": "IMF WEO"}, 1
    )
    assert updated.version == 2
    entry = history_of(deu).get()
    assert (entry.before["gdp_usd_bn"], entry.after["gdp_usd_bn"]) == ("4456.1", "4525.7")


def test_a_stale_nation_update_is_refused(coordinator) -> None:
    deu = Nation.objects.get(code="DEU")
    services.update_nation(coordinator, deu, {"name": "Federal Republic of Germany"}, 1)
    with pytest.raises(StaleVersion):
        services.update_nation(coordinator, deu, {"name": "Germany"}, 1)


def test_the_nation_code_never_changes(coordinator) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_nation(coordinator, Nation.objects.get(code="DEU"), {"code": "GER"}, 1)
    assert "code" in refused.value.message_dict


@pytest.mark.parametrize("role", ["liaison_deu", "recipient_officer", "training_coordinator", "viewer"])
def test_only_coordinators_change_nations(request, role) -> None:
    user = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        services.update_nation(user, Nation.objects.get(code="DEU"), {"name": "x"}, 1)
    assert Nation.objects.get(code="DEU").name == "Germany"


def test_every_signed_in_user_lists_nations_by_kind(viewer) -> None:
    assert list(selectors.list_nations(viewer, kind="recipient").values_list("code", flat=True)) == ["UKR"]
    assert selectors.list_nations(viewer).count() == 41
    assert set(selectors.list_nations(viewer, search="united").values_list("code", flat=True)) == {
        "GBR",
        "USA",
    }


def test_a_nation_is_found_by_its_code_in_any_case(viewer) -> None:
    assert selectors.get_nation(viewer, "ukr").code == "UKR"
    with pytest.raises(NotFound):
        selectors.get_nation(viewer, "XYZ")


def test_anonymous_visitors_see_no_nation() -> None:
    assert not selectors.list_nations(AnonymousUser()).exists()
    with pytest.raises(NotFound):
        selectors.get_nation(AnonymousUser(), "DEU")
