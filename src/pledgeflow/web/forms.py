"""The forms of the pages. They read and type the input; the services decide what is valid.

Choices come from the selectors (what the user may read). No form repeats a rule of the record: quantities,
dates, labels and transitions are checked by the services, whose ``ValidationError`` messages the pages put
beside the fields (:func:`pledgeflow.web.views.apply_service_error`). A form only refuses what it cannot
type (letters in a quantity, an impossible date), so what the user typed is always kept.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pledgeflow.accounts.choices import Role
from pledgeflow.accounts.permissions import is_coordinator
from pledgeflow.catalogue.selectors import list_capability_areas, list_families, list_items
from pledgeflow.core.choices import SharingLabel
from pledgeflow.logistics.choices import LocationKind
from pledgeflow.logistics.selectors import list_locations
from pledgeflow.nations.choices import NationKind
from pledgeflow.nations.selectors import list_nations
from pledgeflow.pledges.choices import Channel, PledgeStatus, ReceiptCondition, Source
from pledgeflow.requirements.choices import Priority, RequirementStatus
from pledgeflow.requirements.selectors import visible_list_versions
from pledgeflow.web.choice_labels import translated

__all__ = [
    "DateInput",
    "NoteForm",
    "PledgeFilterForm",
    "PledgeForm",
    "ReceiptForm",
    "RequirementFilterForm",
    "RequirementForm",
    "SlipForm",
    "TransitionForm",
    "VersionForm",
]

#: Dates are typed as ISO (what a date picker sends) or as day/month/year.
DATE_INPUTS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    """A native date picker; its value is always ISO, whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


#: What the user reads when a quantity is missing or not a whole number (the service checks its range).
QUANTITY_ERRORS = {
    "required": _("Give the quantity as a whole number of units, e.g. 1200."),
    "invalid": _("The quantity is a whole number of units, e.g. 1200."),
}

DATE_ERRORS = {
    "required": _("Give the date, e.g. 2027-03-31."),
    "invalid": _("This is not a date: give it as year-month-day, e.g. 2027-03-31."),
}


def _date_field(label: Any, required: bool = True, help_text: Any = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=DATE_INPUTS,
        help_text=help_text,
        error_messages=DATE_ERRORS,
    )


def _blank(label: Any) -> list[tuple[str, Any]]:
    return [("", label)]


def family_choices(user: Any) -> list[tuple[str, str]]:
    """Active families as (code, "name (code)"), by name."""
    families = sorted(list_families(user), key=lambda f: f.name.lower())
    return [(f.code, f"{f.name} ({f.code})") for f in families]


def item_choices(user: Any) -> list[tuple[str, str]]:
    """Active items as (code, "name (code)"), by name."""
    items = sorted(list_items(user), key=lambda i: i.name.lower())
    return [(i.code, f"{i.name} ({i.code})") for i in items]


def item_choices_by_family(user: Any) -> tuple[list[tuple[str, Any]], dict[str, str]]:
    """Active items grouped by family (``[(family label, [(code, label), ...]), ...]``, families by name), and
    each item's family code, which the page uses to offer only the items of the family chosen."""
    groups: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    family_of: dict[str, str] = {}
    for item in sorted(list_items(user), key=lambda i: i.name.lower()):
        labels[item.family.code] = f"{item.family.name} ({item.family.code})"
        groups.setdefault(item.family.code, []).append((item.code, f"{item.name} ({item.code})"))
        family_of[item.code] = item.family.code
    ordered = sorted(groups, key=lambda code: labels[code].lower())
    return [(labels[code], groups[code]) for code in ordered], family_of


class ItemSelect(forms.Select):
    """A select of items grouped by family whose options name their family (``data-family``), so a small
    script can hide the items of other families; without JavaScript the groups show which is which."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.family_of: dict[str, str] = {}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """The option, with ``data-family`` for items (not for the blank choice)."""
        option = super().create_option(name, value, *args, **kwargs)
        family = self.family_of.get(str(value))
        if family:
            option["attrs"]["data-family"] = family
        return option


def location_choices(user: Any, kind: str | None = None) -> list[tuple[str, str]]:
    """Active locations as (code, "name (code)")."""
    return [(loc.code, f"{loc.name} ({loc.code})") for loc in list_locations(user, kind=kind)]


def area_choices(user: Any) -> list[tuple[str, str]]:
    """Capability areas as (code, name)."""
    return [(a.code, a.name) for a in list_capability_areas(user)]


def donor_choices(user: Any) -> list[tuple[str, str]]:
    """Nations and organisations that give (every kind but recipients), as (code, "code name")."""
    return [(n.code, f"{n.code} {n.name}") for n in list_nations(user) if n.kind != NationKind.RECIPIENT]


class AccessibleForm(forms.Form):
    """A form whose controls carry ``aria-invalid`` and point at their messages (Django 5.2 does both)."""

    required_css_class = "required"


# --- requirements ------------------------------------------------------------------------------------------


class RequirementForm(AccessibleForm):
    """Create or change a requirement; the service checks the values and names each bad field."""

    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to number it automatically (e.g. UKR-AD-0042)."),
    )
    family = forms.ChoiceField(
        label=_("Family"), error_messages={"required": _("Choose the family of items needed.")}
    )
    item = forms.ChoiceField(
        label=_("Specific item"),
        required=False,
        help_text=_("Only when no other item of the family will do; it must belong to the family chosen."),
        widget=ItemSelect(attrs={"data-family-from": "id_family"}),
    )
    quantity = forms.IntegerField(label=_("Quantity"), error_messages=QUANTITY_ERRORS)
    priority = forms.TypedChoiceField(label=_("Priority"), coerce=int)
    need_by = _date_field(_("Needed by"))
    destination = forms.ChoiceField(
        label=_("Destination"),
        help_text=_("The recipient's reception point where the items are needed."),
        error_messages={"required": _("Choose where the items are needed.")},
    )
    package_code = forms.CharField(
        label=_("Capability package"),
        required=False,
        max_length=64,
        help_text=_("The package this need belongs to, if any (e.g. PATRIOT-BTY-3)."),
    )
    justification = forms.CharField(label=_("Justification"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["family"].choices = _blank(_("Choose a family")) + family_choices(user)
        grouped, family_of = item_choices_by_family(user)
        self.fields["item"].choices = _blank(_("Any item of the family")) + grouped
        self.fields["item"].widget.family_of = family_of
        self.fields["destination"].choices = _blank(_("Choose a destination")) + self._destinations(user)
        self.fields["priority"].choices = [
            (value, f"{value} \u2013 {label}") for value, label in translated(Priority.choices)
        ]
        if editing:
            del self.fields["reference"]

    def clean(self) -> dict[str, Any]:
        """Refuse an item of another family here, naming both families by name; the record checks it too
        (its message names codes, for the API), so this only makes the form's message readable."""
        data = super().clean()
        item, family = data.get("item"), data.get("family")
        family_of = self.fields["item"].widget.family_of
        if item and family and family_of.get(item, family) != family:
            names = dict(self.fields["family"].choices)
            items = {
                code: label for _group, options in self.fields["item"].choices[1:] for code, label in options
            }
            self.add_error(
                "item",
                _(
                    "%(item)s belongs to the family %(item_family)s, not to %(family)s: choose an item of "
                    "%(family)s or leave the item empty."
                )
                % {
                    "item": items[item],
                    "item_family": names.get(family_of[item], family_of[item]),
                    "family": names.get(family),
                },
            )
        return data

    def _destinations(self, user: Any) -> list[tuple[str, str]]:
        """The recipient's reception points (locations of kind destination), the places a need is delivered
        to, rather than every depot and hub of the network. The record accepts any location (the scenario
        may name one), so a requirement already held elsewhere keeps its location among the choices."""
        choices = location_choices(user, kind=LocationKind.DESTINATION)
        current = self.data.get("destination") if self.is_bound else self.initial.get("destination")
        if current and current not in {code for code, _label in choices}:
            choices += [(code, label) for code, label in location_choices(user) if code == current]
        return choices

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the requirement services take them (codes, numbers, dates)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("reference", None)
        data["item"] = data.get("item") or None
        data["package_code"] = data.get("package_code") or None
        return data


class RequirementFilterForm(AccessibleForm):
    """The filters of the requirement list (a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    list_version = forms.ChoiceField(label=_("List version"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    capability_area = forms.ChoiceField(label=_("Capability area"), required=False)
    family = forms.ChoiceField(label=_("Family"), required=False)
    need_by_from = _date_field(_("Needed from"), required=False)
    need_by_to = _date_field(_("Needed until"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions = [
            (str(v.pk), f"{v.label} ({_(v.get_status_display())})") for v in visible_list_versions(user)
        ]
        self.fields["list_version"].choices = [("all", _("All versions")), *versions]
        self.fields["status"].choices = _blank(_("Any status")) + translated(RequirementStatus.choices)
        self.fields["priority"].choices = _blank(_("Any priority")) + [
            (str(v), f"{v} \u2013 {label}") for v, label in translated(Priority.choices)
        ]
        self.fields["capability_area"].choices = _blank(_("Any area")) + area_choices(user)
        self.fields["family"].choices = _blank(_("Any family")) + family_choices(user)


# --- pledges -----------------------------------------------------------------------------------------------


class PledgeForm(AccessibleForm):
    """Record or change a pledge; the service checks the values (labels, releasability, dates)."""

    reference = forms.CharField(
        label=_("Reference"),
        required=False,
        max_length=32,
        help_text=_("Leave empty to number it automatically (e.g. DEU-0412)."),
    )
    donor = forms.ChoiceField(label=_("Donor"))
    item = forms.ChoiceField(label=_("Item"), error_messages={"required": _("Choose the item offered.")})
    quantity = forms.IntegerField(label=_("Quantity"), error_messages=QUANTITY_ERRORS)
    available = _date_field(_("Available from"), help_text=_("The day the goods can leave the origin."))
    origin = forms.ChoiceField(
        label=_("Origin"), error_messages={"required": _("Choose where the goods leave from.")}
    )
    allowed_destinations = forms.MultipleChoiceField(
        label=_("Allowed destinations"),
        required=False,
        help_text=_("None selected means any destination."),
    )
    source = forms.ChoiceField(label=_("Source"))
    channel = forms.ChoiceField(label=_("Channel"))
    sharing_label = forms.ChoiceField(
        label=_("Sharing label"),
        choices=SharingLabel.choices,
        initial=SharingLabel.AMBER,
        help_text=_(
            "CLEAR and GREEN: everyone signed in. AMBER: also the nations it is releasable to. "
            "AMBER+STRICT and RED: your nation and the coordinators only."
        ),
    )
    releasable_to = forms.MultipleChoiceField(
        label=_("Releasable to"), required=False, help_text=_("Only for TLP:AMBER pledges.")
    )
    offered_on = _date_field(
        _("Offered on"), required=False, help_text=_("The day the offer was made; today if empty.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        donors = donor_choices(user)
        if not is_coordinator(user) and getattr(user, "role", None) == Role.DONOR_LIAISON:
            # A liaison records its own nation's pledges: the service refuses any other, so offer only it.
            donors = [d for d in donors if d[0] == user.nation_id]
        self.fields["donor"].choices = donors
        self.fields["source"].choices = translated(Source.choices)
        self.fields["channel"].choices = translated(Channel.choices)
        self.fields["item"].choices = _blank(_("Choose an item")) + item_choices(user)
        locations = location_choices(user)
        self.fields["origin"].choices = _blank(_("Choose an origin")) + locations
        self.fields["allowed_destinations"].choices = locations
        self.fields["releasable_to"].choices = [(n.code, f"{n.code} {n.name}") for n in list_nations(user)]
        if editing:
            del self.fields["reference"]
            del self.fields["offered_on"]
            if not is_coordinator(user):
                self.fields["donor"].disabled = True

    def service_values(self) -> dict[str, Any]:
        """The cleaned values as the pledge services take them."""
        data = dict(self.cleaned_data)
        for name in ("version", "reference", "offered_on"):
            data.pop(name, None)
        return data


class PledgeFilterForm(AccessibleForm):
    """The filters of the pledge list (a GET form)."""

    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    donor = forms.ChoiceField(label=_("Donor"), required=False)
    status = forms.ChoiceField(label=_("Milestone"), required=False)
    sharing_label = forms.ChoiceField(label=_("Sharing label"), required=False)
    capability_area = forms.ChoiceField(label=_("Capability area"), required=False)
    family = forms.ChoiceField(label=_("Family"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    available_from = _date_field(_("Available from"), required=False)
    available_to = _date_field(_("Available until"), required=False)
    late = forms.BooleanField(label=_("Past their date only"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["donor"].choices = _blank(_("Any donor")) + donor_choices(user)
        self.fields["status"].choices = _blank(_("Any milestone")) + translated(PledgeStatus.choices)
        self.fields["sharing_label"].choices = _blank(_("Any label")) + list(SharingLabel.choices)
        self.fields["capability_area"].choices = _blank(_("Any area")) + area_choices(user)
        self.fields["family"].choices = _blank(_("Any family")) + family_choices(user)
        self.fields["source"].choices = _blank(_("Any source")) + translated(Source.choices)
        self.fields["channel"].choices = _blank(_("Any channel")) + translated(Channel.choices)


# --- milestones and status changes -------------------------------------------------------------------------


class TransitionForm(AccessibleForm):
    """One status or milestone change of a record, based on the version the user saw."""

    target = forms.CharField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput)
    on = _date_field(_("On"), required=False, help_text=_("The day it happened; today if empty."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(AccessibleForm):
    """A confirmation (cancel, withdraw, decline) with an optional reason, based on the version seen."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VersionForm(AccessibleForm):
    """Starting or approving a priority-list version: an optional label (for a new one) and a note."""

    label = forms.CharField(
        label=_("Label"),
        required=False,
        max_length=32,
        help_text=_("Leave empty for the month after the current version (e.g. 2026-12)."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReceiptForm(AccessibleForm):
    """Confirming receipt: the quantity and the condition found, on the day they were found."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    quantity_received = forms.IntegerField(label=_("Quantity received"), error_messages=QUANTITY_ERRORS)
    # Not required here: the service names a missing condition together with any other problem.
    condition = forms.ChoiceField(
        label=_("Condition"),
        required=False,
    )
    on = _date_field(_("Received on"), required=False, help_text=_("Today if empty."))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conditions = translated(ReceiptCondition.choices)
        self.fields["condition"].choices = _blank(_("Choose the condition")) + conditions


class SlipForm(AccessibleForm):
    """A slip: the pledge's new availability date (the old one is kept in the milestone log)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    new_date = _date_field(_("New availability date"))
    note = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def today() -> _dt.date:
    """Today in the server's time zone (what the services use)."""
    from django.utils import timezone

    return timezone.localdate()
