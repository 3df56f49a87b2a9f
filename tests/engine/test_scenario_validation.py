"""Reading a scenario refuses every breach of scenario-v1, with its JSON path, all in one pass."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgeflow.engine.errors import DocumentError, ScenarioError, ValidationIssue
from pledgeflow.engine.model import DEFAULT_PRIORITY_WEIGHTS, Policy
from pledgeflow.engine.scenario import load_scenario, load_scenario_file

SCENARIOS = Path(__file__).parent / "scenarios"


def example(name: str = "small") -> dict[str, Any]:
    """A fresh copy of an example scenario: 155 mm shells and Leopards, or a tank crew in training."""
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


def issues(doc: Any) -> list[ValidationIssue]:
    """The issues reading ``doc`` raises (it must raise)."""
    data = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    return caught.value.errors


def paths(doc: Any) -> list[str]:
    return [issue.path for issue in issues(doc)]


def only_issue(doc: Any) -> ValidationIssue:
    found = issues(doc)
    assert len(found) == 1, found
    return found[0]


# -- documents that are fine -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["small", "training"])
def test_the_example_scenarios_are_valid(name: str) -> None:
    scenario = load_scenario_file(SCENARIOS / f"{name}.json")
    assert scenario.requirements and scenario.pledges


def test_sha256_is_the_digest_of_the_bytes_as_read() -> None:
    data = (SCENARIOS / "small.json").read_bytes()
    assert load_scenario(data).sha256 == hashlib.sha256(data).hexdigest()


def test_a_scenario_without_training_keys_has_no_training() -> None:
    assert load_scenario(json.dumps(example())).has_training is False


@pytest.mark.parametrize("key", ["skills", "courses", "sessions", "cohorts", "packages"])
def test_any_training_key_even_empty_means_the_scenario_has_training(key: str) -> None:
    doc = example()
    doc[key] = []
    assert load_scenario(json.dumps(doc)).has_training is True


def test_policy_fields_default_on_their_own() -> None:
    doc = example()
    doc["policy"] = {"unmet_penalty": 500}
    policy = load_scenario(json.dumps(doc)).policy
    assert policy == Policy(priority_weights=dict(DEFAULT_PRIORITY_WEIGHTS), unmet_penalty=500)
    del doc["policy"]
    assert load_scenario(json.dumps(doc)).policy == Policy()


def test_values_are_read_as_dates_tuples_and_integers() -> None:
    scenario = load_scenario(json.dumps(example()))
    pledge = scenario.pledges[1]
    assert pledge.available == date(2026, 1, 6)
    assert pledge.destinations == ("DEST-EAST", "DEST-SOUTH")
    assert scenario.routes[0].from_ == "DEPOT-DEU"
    assert scenario.policy.priority_weights == {1: 1000, 2: 100, 3: 10, 4: 1}


@pytest.mark.parametrize("supply_class", ["I", "V", "IX", "Class VIII medical", ""])
def test_any_supply_class_string_is_accepted(supply_class: str) -> None:
    doc = example()
    doc["items"][0]["supply_class"] = supply_class
    assert load_scenario(json.dumps(doc)).items[0].supply_class == supply_class


@pytest.mark.parametrize("nsn", ["1320012345678", "1320-01-234-5678"])
def test_nsn_may_be_written_with_or_without_dashes(nsn: str) -> None:
    doc = example()
    doc["items"][0]["nsn"] = nsn
    assert load_scenario(json.dumps(doc)).items[0].nsn == nsn


def test_a_requirement_whose_family_has_no_items_is_valid() -> None:
    doc = example()
    doc["requirements"][0]["family"] = "air-defence-interceptor"
    assert load_scenario(json.dumps(doc)).requirements[0].family == "air-defence-interceptor"


def test_every_list_may_be_empty() -> None:
    doc = {
        "format": "pledgeflow/scenario-v1",
        "start": "2026-01-05",
        "items": [],
        "locations": [],
        "routes": [],
        "requirements": [],
        "pledges": [],
        "locks": [],
        "skills": [],
        "courses": [],
        "sessions": [],
        "cohorts": [],
        "packages": [],
    }
    assert load_scenario(json.dumps(doc)).has_training


def test_zero_day_routes_and_money_of_zero_are_allowed() -> None:
    doc = example()
    doc["routes"][0]["days"] = 0
    doc["items"][0]["unit_value_eur"] = 0
    doc["policy"]["late_penalty_per_day"] = 0
    load_scenario(json.dumps(doc))


def test_a_byte_order_mark_is_tolerated() -> None:
    data = b"\xef\xbb\xbf" + json.dumps(example()).encode()
    assert load_scenario(data).sha256 == hashlib.sha256(data).hexdigest()


# -- the document as a whole -------------------------------------------------------------------------------


def test_invalid_json_is_reported_with_line_and_column() -> None:
    issue = only_issue(b'{\n  "format": "pledgeflow/scenario-v1",\n  "start" "2026-01-05"\n}')
    assert issue.path == "$"
    assert "line 3, column 11" in issue.message


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"start": 1' + b"0" * 5000 + b"}"])
def test_pathological_json_is_refused_not_crashed_on(data: bytes) -> None:
    assert only_issue(data).path == "$"


def test_text_that_is_not_utf8_is_refused() -> None:
    issue = only_issue(b'{"format": "\xff"}')
    assert issue.path == "$" and "UTF-8" in issue.message


def test_a_document_that_is_not_an_object_is_refused() -> None:
    issue = only_issue(b"[1, 2]")
    assert issue.path == "$" and "JSON object" in issue.message


def test_missing_required_keys_are_each_reported() -> None:
    assert paths({"format": "pledgeflow/scenario-v1"}) == [
        "start",
        "items",
        "locations",
        "routes",
        "requirements",
        "pledges",
    ]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [("pledgeflow/scenario-v2", "not supported"), ("pledgeflow/plan-v1", "must be"), (1, "must be")],
)
def test_an_unknown_format_is_refused(value: Any, fragment: str) -> None:
    doc = example()
    doc["format"] = value
    issue = only_issue(doc)
    assert issue.path == "format" and fragment in issue.message


def test_a_top_level_list_that_is_not_a_list_is_refused() -> None:
    doc = example()
    doc["requirements"] = {"R1": {}}
    issue = only_issue(doc)
    assert issue.path == "requirements" and "must be a list" in issue.message


def test_an_entry_that_is_not_an_object_is_refused() -> None:
    doc = example()
    doc["pledges"].append("P-9")
    issue = only_issue(doc)
    assert issue.path == "pledges[3]" and "a pledge (a JSON object)" in issue.message


# -- keys ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "path"),
    [
        (lambda d: d, "colour"),
        (lambda d: d["items"][1], "items[1].colour"),
        (lambda d: d["locks"][0], "locks[0].colour"),
        (lambda d: d["policy"], "policy.colour"),
        (lambda d: d["policy"]["priority_weights"], "policy.priority_weights.colour"),
    ],
)
def test_unknown_keys_are_refused_at_every_depth(place: Callable[[Any], dict[str, Any]], path: str) -> None:
    doc = example()
    place(doc)["colour"] = "olive"
    issue = only_issue(doc)
    assert issue.path == path
    assert "unknown key 'colour'" in issue.message


def test_unknown_keys_in_training_objects_are_refused() -> None:
    doc = example("training")
    doc["cohorts"][1]["callsign"] = "Viper"
    assert paths(doc) == ["cohorts[1].callsign"]


def test_keys_that_are_not_identifiers_are_quoted_in_paths() -> None:
    doc = example()
    doc["policy"]["priority_weights"]["5"] = 1
    assert paths(doc) == ['policy.priority_weights["5"]']


def test_duplicate_keys_are_refused_wherever_they_are() -> None:
    text = json.dumps(example())
    text = text.replace('"quantity": 500,', '"quantity": 500, "quantity": 600,', 1)
    text = text.replace('"start": "2026-01-05",', '"start": "2026-01-05", "start": "2026-01-06",', 1)
    found = issues(text.encode())
    assert [i.path for i in found] == ["start", "requirements[0].quantity"]
    assert all("more than once" in i.message for i in found)


def test_null_is_refused_even_for_optional_fields() -> None:
    doc = example()
    doc["requirements"][2]["note"] = None
    doc["policy"] = None
    assert paths(doc) == ["policy", "requirements[2].note"]


def test_missing_required_fields_are_reported_by_name() -> None:
    doc = example()
    del doc["pledges"][0]["origin"]
    issue = only_issue(doc)
    assert issue.path == "pledges[0].origin"
    assert "missing" in issue.message


# -- values ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (1.0, "JSON integer (1)"),
        (40.5, "integer from 1 to 1000000000"),
        (True, "boolean"),
        ("40", "a string"),
        (0, "not 0"),
        (-3, "not -3"),
        (10**9 + 1, "not 1000000001"),
    ],
)
def test_quantities_must_be_integers_from_1_to_a_billion(value: Any, fragment: str) -> None:
    doc = example()
    doc["requirements"][1]["quantity"] = value
    issue = only_issue(doc)
    assert issue.path == "requirements[1].quantity"
    assert fragment in issue.message


def test_a_quantity_of_a_billion_is_allowed() -> None:
    doc = example()
    doc["pledges"][0]["quantity"] = 10**9
    load_scenario(json.dumps(doc))


@pytest.mark.parametrize("priority", [0, 5, 2.0, "1"])
def test_priority_is_1_to_4(priority: Any) -> None:
    doc = example()
    doc["requirements"][0]["priority"] = priority
    assert paths(doc) == ["requirements[0].priority"]


@pytest.mark.parametrize(
    ("policy", "path"),
    [
        ({"priority_weights": {"1": 1000, "2": 0, "3": 10, "4": 1}}, 'policy.priority_weights["2"]'),
        ({"priority_weights": {"1": 10**6 + 1, "2": 100, "3": 10, "4": 1}}, 'policy.priority_weights["1"]'),
        ({"priority_weights": {"1": 1000, "2": 100, "3": 10}}, 'policy.priority_weights["4"]'),
        ({"priority_weights": [1000, 100, 10, 1]}, "policy.priority_weights"),
        ({"unmet_penalty": 0}, "policy.unmet_penalty"),
        ({"unmet_penalty": 10**6 + 1}, "policy.unmet_penalty"),
        ({"late_penalty_per_day": -1}, "policy.late_penalty_per_day"),
        ({"late_penalty_per_day": 1.5}, "policy.late_penalty_per_day"),
    ],
)
def test_policy_weights_and_penalties_are_bounded_integers(policy: dict[str, Any], path: str) -> None:
    doc = example()
    doc["policy"] = policy
    assert paths(doc) == [path]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_money_and_mass_must_be_finite(literal: str) -> None:
    text = json.dumps(example()).replace('"unit_value_eur": 3200.5', f'"unit_value_eur": {literal}')
    issue = only_issue(text.encode())
    assert issue.path == "items[0].unit_value_eur"
    assert "finite" in issue.message


@pytest.mark.parametrize("value", [-0.5, "3200", True])
def test_money_and_mass_must_be_numbers_of_zero_or_more(value: Any) -> None:
    doc = example()
    doc["items"][0]["unit_mass_kg"] = value
    assert paths(doc) == ["items[0].unit_mass_kg"]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("2026-02-30", "not a real calendar date"),
        ("2026-13-01", "not a real calendar date"),
        ("2026-1-5", "YYYY-MM-DD"),
        ("20260105", "YYYY-MM-DD"),
        ("2026-W01-1", "YYYY-MM-DD"),
        ("2026-01-05T00:00:00", "YYYY-MM-DD"),
        ("2026-01-05 ", "YYYY-MM-DD"),
        ("\uff12\uff10\uff12\uff16-01-05", "YYYY-MM-DD"),
        (20260105, "YYYY-MM-DD"),
    ],
)
def test_dates_are_real_and_written_exactly_yyyy_mm_dd(value: Any, fragment: str) -> None:
    doc = example()
    doc["pledges"][2]["available"] = value
    issue = only_issue(doc)
    assert issue.path == "pledges[2].available"
    assert fragment in issue.message


def test_the_start_date_is_checked_too() -> None:
    doc = example()
    doc["start"] = "2026-02-29"
    assert paths(doc) == ["start"]


@pytest.mark.parametrize("nsn", ["132001234567", "1320-012-34-5678", "13200123456789", "1320 01 234 5678"])
def test_nsn_must_be_13_digits(nsn: str) -> None:
    doc = example()
    doc["items"][0]["nsn"] = nsn
    assert paths(doc) == ["items[0].nsn"]


@pytest.mark.parametrize("country", ["pol", "PL", "POLA", "P0L"])
def test_country_is_iso_alpha3_in_capitals(country: str) -> None:
    doc = example()
    doc["locations"][0]["country"] = country
    assert paths(doc) == ["locations[0].country"]


def test_location_kind_is_depot_hub_or_destination() -> None:
    doc = example()
    doc["locations"][1]["kind"] = "port"
    assert paths(doc) == ["locations[1].kind"]


def test_route_days_cannot_be_negative() -> None:
    doc = example()
    doc["routes"][2]["days"] = -1
    issue = only_issue(doc)
    assert issue.path == "routes[2].days" and "not -1" in issue.message


def test_pledge_destinations_must_be_a_non_empty_list_of_ids() -> None:
    doc = example()
    doc["pledges"][1]["destinations"] = []
    doc["pledges"][0]["destinations"] = ["DEST-EAST", ""]
    assert paths(doc) == ["pledges[0].destinations[1]", "pledges[1].destinations"]


# -- ids and references ------------------------------------------------------------------------------------


def test_ids_must_be_non_empty_strings() -> None:
    doc = example()
    doc["locks"] = []
    doc["requirements"][0]["id"] = ""
    doc["items"].append({"code": 7, "family": "main-battle-tank"})
    assert paths(doc) == ["items[3].code", "requirements[0].id"]


@pytest.mark.parametrize(
    ("key", "id_key", "path"),
    [
        ("items", "code", "items[2].code"),
        ("locations", "id", "locations[2].id"),
        ("requirements", "id", "requirements[2].id"),
        ("pledges", "id", "pledges[2].id"),
    ],
)
def test_ids_are_unique_within_their_list(key: str, id_key: str, path: str) -> None:
    doc = example()
    doc[key][2][id_key] = doc[key][0][id_key]
    found = [i for i in issues(doc) if i.path == path]
    assert len(found) == 1
    assert f"{key}[0] already uses it" in found[0].message


def test_training_ids_are_unique_within_their_list() -> None:
    doc = example("training")
    doc["skills"].append({"id": "driver", "prerequisites": []})
    doc["sessions"].append({"id": "S-DRV-1", "course": "DRV-DEU-EN", "start": "2026-02-02"})
    assert paths(doc) == ["skills[2].id", "sessions[2].id"]


def test_requirement_and_cohort_ids_must_differ() -> None:
    doc = example("training")
    doc["cohorts"][1]["id"] = "R-TANKS"
    issue = only_issue(doc)
    assert issue.path == "cohorts[1].id"
    assert "requirements[0]" in issue.message


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["requirements"][0].update(destination="DEST-WEST"), "requirements[0].destination"),
        (lambda d: d["requirements"][1].update(item="155-HE-XM1128"), "requirements[1].item"),
        (lambda d: d["pledges"][0].update(item="155-HE-XM1128"), "pledges[0].item"),
        (lambda d: d["pledges"][0].update(origin="DEPOT-FRA"), "pledges[0].origin"),
        (
            lambda d: d["pledges"][1].update(destinations=["DEST-SOUTH", "DEST-WEST"]),
            "pledges[1].destinations[1]",
        ),
        (lambda d: d["routes"][1].update({"from": "HUB-ROU"}), "routes[1].from"),
        (lambda d: d["routes"][1].update(to="DEST-WEST"), "routes[1].to"),
        (lambda d: d["requirements"][0].update(package="K-ARTILLERY"), "requirements[0].package"),
    ],
)
def test_references_to_unknown_ids_are_refused(mutate: Callable[[Any], None], path: str) -> None:
    doc = example()
    mutate(doc)
    issue = only_issue(doc)
    assert issue.path == path
    assert "which is not in" in issue.message


def test_a_requirements_item_must_belong_to_its_family() -> None:
    doc = example()
    doc["requirements"][2]["item"] = "155-HE-M107"
    issue = only_issue(doc)
    assert issue.path == "requirements[2].item"
    assert 'family "155mm-artillery-ammunition"' in issue.message
    assert '"main-battle-tank"' in issue.message


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda d: d["courses"][0].update(skill="loader"), "courses[0].skill"),
        (lambda d: d["sessions"][1].update(course="LDR-DEU-EN"), "sessions[1].course"),
        (lambda d: d["cohorts"][0].update(skill="loader"), "cohorts[0].skill"),
        (lambda d: d["cohorts"][1].update(held=["driver", "loader"]), "cohorts[1].held[1]"),
        (lambda d: d["cohorts"][0].update(package="K-BATTERY"), "cohorts[0].package"),
        (lambda d: d["requirements"][0].update(package="K-BATTERY"), "requirements[0].package"),
        (lambda d: d["skills"][1].update(prerequisites=["driver", "loader"]), "skills[1].prerequisites[1]"),
    ],
)
def test_training_references_to_unknown_ids_are_refused(mutate: Callable[[Any], None], path: str) -> None:
    doc = example("training")
    mutate(doc)
    assert paths(doc) == [path]


def test_a_reference_to_an_entry_with_other_errors_is_not_called_unknown() -> None:
    doc = example()
    doc["locations"][2]["country"] = "east"
    assert paths(doc) == ["locations[2].country"]


# -- prerequisites -----------------------------------------------------------------------------------------


def test_a_cycle_of_prerequisites_is_reported_with_the_cycle() -> None:
    doc = example("training")
    doc["skills"] = [
        {"id": "driver", "prerequisites": ["commander"]},
        {"id": "gunner", "prerequisites": ["driver"]},
        {"id": "commander", "prerequisites": ["gunner"]},
    ]
    issue = only_issue(doc)
    assert issue.path == "skills[0].prerequisites"
    assert '"driver" -> "commander" -> "gunner" -> "driver"' in issue.message


def test_a_skill_that_requires_itself_is_a_cycle() -> None:
    doc = example("training")
    doc["skills"][0]["prerequisites"] = ["driver"]
    issue = only_issue(doc)
    assert issue.path == "skills[0].prerequisites"
    assert '"driver" -> "driver"' in issue.message


def test_shared_prerequisites_without_a_cycle_are_fine() -> None:
    doc = example("training")
    doc["skills"] = [
        {"id": "basic", "prerequisites": []},
        {"id": "driver", "prerequisites": ["basic"]},
        {"id": "gunner", "prerequisites": ["basic", "driver"]},
        {"id": "commander", "prerequisites": ["gunner", "driver", "basic"]},
    ]
    load_scenario(json.dumps(doc))


# -- locks -------------------------------------------------------------------------------------------------


def lock(pledge: str, requirement: str, quantity: int) -> dict[str, Any]:
    return {"pledge": pledge, "requirement": requirement, "quantity": quantity}


def test_locks_must_name_a_known_pledge_and_requirement() -> None:
    doc = example()
    doc["locks"] = [lock("P-FRA-SHELLS", "R-SHELLS-EAST", 5), lock("P-DEU-SHELLS", "R-DRONES", 5)]
    assert paths(doc) == ["locks[0].pledge", "locks[1].requirement"]


def test_the_same_pair_cannot_be_locked_twice() -> None:
    doc = example()
    doc["locks"].append(lock("P-POL-SHELLS", "R-SHELLS-SOUTH", 10))
    issue = only_issue(doc)
    assert issue.path == "locks[1]"
    assert "locks[0] already locks" in issue.message


@pytest.mark.parametrize(
    ("mutate", "new_lock", "reason"),
    [
        (lambda d: None, lock("P-DEU-TANKS", "R-SHELLS-EAST", 1), "family"),
        (lambda d: None, lock("P-DEU-SHELLS", "R-SHELLS-SOUTH", 1), "accepts only item"),
        (
            lambda d: d["pledges"][0].update(destinations=["DEST-SOUTH"]),
            lock("P-DEU-SHELLS", "R-SHELLS-EAST", 1),
            "does not allow destination",
        ),
        (
            lambda d: d["routes"].pop(1),
            lock("P-DEU-SHELLS", "R-SHELLS-EAST", 1),
            'no route leads from "DEPOT-DEU" to "DEST-EAST"',
        ),
    ],
)
def test_a_lock_must_name_an_admissible_pair(
    mutate: Callable[[Any], None], new_lock: dict[str, Any], reason: str
) -> None:
    doc = example()
    mutate(doc)
    doc["locks"].append(new_lock)
    issue = only_issue(doc)
    assert issue.path == "locks[1]"
    assert reason in issue.message


def test_locks_cannot_take_more_from_a_pledge_than_it_offers() -> None:
    doc = example()
    doc["locks"].append(lock("P-POL-SHELLS", "R-SHELLS-EAST", 251))
    issue = only_issue(doc)
    assert issue.path == "locks[1].quantity"
    assert "add up to 351 units (locks[0], locks[1])" in issue.message
    assert "only 350" in issue.message


def test_locks_cannot_give_a_requirement_more_than_it_needs() -> None:
    doc = example()
    doc["locks"] = [lock("P-POL-SHELLS", "R-SHELLS-EAST", 300), lock("P-DEU-SHELLS", "R-SHELLS-EAST", 201)]
    issue = only_issue(doc)
    assert issue.path == "locks[1].quantity"
    assert "requirement" in issue.message and "only 500" in issue.message


def test_locks_up_to_the_quantities_are_fine() -> None:
    doc = example()
    doc["locks"] = [lock("P-POL-SHELLS", "R-SHELLS-SOUTH", 300), lock("P-POL-SHELLS", "R-SHELLS-EAST", 50)]
    assert len(load_scenario(json.dumps(doc)).locks) == 2


# -- every error in one pass -------------------------------------------------------------------------------


def test_every_error_is_reported_in_one_pass_in_document_order() -> None:
    doc = example("training")
    doc["start"] = "5 January 2026"
    doc["items"][0]["nsn"] = "12"
    doc["requirements"][0]["quantity"] = 0
    doc["requirements"][0]["destination"] = "DEST-WEST"
    doc["pledges"][0]["item"] = "T-72"
    doc["pledges"][0]["launch_codes"] = "0000"
    doc["skills"][0]["prerequisites"] = ["gunner"]
    doc["cohorts"][0]["size"] = -8
    doc["packages"][0]["need_by"] = "2026-03-32"
    assert paths(doc) == [
        "start",
        "items[0].nsn",
        "requirements[0].quantity",
        "requirements[0].destination",
        "pledges[0].launch_codes",
        "pledges[0].item",
        "skills[0].prerequisites",
        "cohorts[0].size",
        "packages[0].need_by",
    ]


def test_structural_errors_do_not_hide_reference_errors_elsewhere() -> None:
    doc = example()
    doc["requirements"][0] = {"id": "R-SHELLS-EAST", "quantity": "lots"}  # structurally broken
    doc["pledges"][2]["origin"] = "DEPOT-ITA"  # a reference error further on
    doc["locks"].append(lock("P-DEU-TANKS", "R-SHELLS-EAST", 1))  # names the broken requirement: still known
    found = paths(doc)
    assert "requirements[0].quantity" in found
    assert "requirements[0].family" in found
    assert "pledges[2].origin" in found
    assert not any(path.startswith("locks[1].requirement") for path in found)


def test_many_errors_are_all_listed() -> None:
    doc = example()
    doc["locks"] = []
    doc["requirements"] = [
        {
            "id": f"R{i}",
            "family": "f",
            "quantity": 1,
            "priority": 1,
            "need_by": "2026-01-05",
            "destination": "X",
        }
        for i in range(500)
    ]
    assert paths(doc) == [f"requirements[{i}].destination" for i in range(500)]


def test_the_error_message_lists_every_issue_and_is_a_value_error() -> None:
    doc = example()
    doc["routes"][0]["days"] = -1
    doc["pledges"][0]["quantity"] = 0
    with pytest.raises(ValueError, match="2 errors") as caught:
        load_scenario(json.dumps(doc))
    assert isinstance(caught.value, DocumentError)
    text = str(caught.value)
    assert "routes[0].days: must be an integer" in text
    assert "pledges[0].quantity: must be an integer" in text


def test_checking_does_not_change_the_document() -> None:
    doc = example()
    before = copy.deepcopy(doc)
    load_scenario(json.dumps(doc))
    assert doc == before


def test_a_bad_reference_is_reported_once_not_again_through_a_lock() -> None:
    doc = example()
    doc["requirements"][1]["item"] = "155-HE-XM1128"
    doc["pledges"][1]["origin"] = "DEPOT-FRA"
    assert paths(doc) == ["requirements[1].item", "pledges[1].origin"]


# -- robustness ----------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**10), 10**10)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["", "2026-01-05", "DEST-EAST", "P-DEU-SHELLS", "R-TANKS", "driver", "155-HE-M107"]),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["id", "x"]), children),
    max_leaves=5,
)


def containers(value: Any, found: list[Any]) -> list[Any]:
    """Every object and list inside ``value``, in document order."""
    if isinstance(value, (dict, list)):
        found.append(value)
        for child in value.values() if isinstance(value, dict) else value:
            containers(child, found)
    return found


@settings(max_examples=150, deadline=None)
@given(
    name=st.sampled_from(["small", "training"]),
    edits=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), json_values), min_size=1, max_size=4
    ),
)
def test_any_edit_of_a_scenario_is_either_accepted_or_refused_with_paths_never_crashes(
    name: str, edits: list[tuple[int, int, Any]]
) -> None:
    doc = example(name)
    for where, which, value in edits:
        places = containers(doc, [])
        place = places[where % len(places)]
        if isinstance(place, dict) and place:
            key = list(place)[which % len(place)]
            if which % 5 == 0:
                del place[key]
            else:
                place[key] = value
        elif isinstance(place, list) and place:
            place[which % len(place)] = value
    try:
        load_scenario(json.dumps(doc))
    except ScenarioError as exc:
        assert exc.errors
        assert all(isinstance(i.path, str) and i.path and i.message for i in exc.errors)
