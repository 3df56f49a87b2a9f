"""Service helpers every bounded context uses: snapshots, the change history and versioned updates.

A use case is one transaction. Services of the apps open it (``transaction.atomic``), check permissions first,
then call these helpers, which write the history in the same transaction, so a change and its record commit or
roll back together.
"""

from __future__ import annotations

import datetime as _dt
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from pledgeflow.core.choices import ChangeAction
from pledgeflow.core.errors import NotFound, StaleVersion, ValidationError
from pledgeflow.core.models import ChangeRecord

M = TypeVar("M", bound=models.Model)

#: Fields left out of every snapshot: bookkeeping that changes on every save, and secrets or their hashes.
SNAPSHOT_EXCLUDED = frozenset({"created_at", "updated_at", "password", "token_hash"})


def entity_label(instance_or_model: models.Model | type[models.Model]) -> str:
    """The history label of a record or model, e.g. ``"catalogue.item"``."""
    return instance_or_model._meta.label_lower


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (_dt.datetime, _dt.date, _dt.time)):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _reference(obj: models.Model) -> Any:
    """How a related record appears in a snapshot: its ``code`` when it has one, else its primary key."""
    code = getattr(obj, "code", None)
    return code if isinstance(code, str) else _json_value(obj.pk)


def snapshot(instance: models.Model) -> dict[str, Any]:
    """The record's field values as JSON-safe data, for the change history.

    Decimals become strings (no rounding), dates ISO strings, foreign keys the related record's ``code`` (or
    its primary key when it has none) and many-to-many fields a sorted list of codes. ``created_at``,
    ``updated_at`` and passwords are left out.
    """
    data: dict[str, Any] = {}
    opts = instance._meta
    for field in opts.concrete_fields:
        if field.name in SNAPSHOT_EXCLUDED:
            continue
        if field.many_to_one or field.one_to_one:
            raw = getattr(instance, field.attname)
            if raw is None:
                data[field.name] = None
            else:
                related_model = field.related_model
                has_code = any(f.name == "code" for f in related_model._meta.concrete_fields)
                # A model keyed by its code (Nation) already gives the code without a query.
                if has_code and related_model._meta.pk.name != "code":
                    data[field.name] = _reference(getattr(instance, field.name))
                else:
                    data[field.name] = _json_value(raw)
            continue
        value = field.value_from_object(instance)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal) and value.is_finite():
            # As the database will store it: 3600 and 3600.00 are the same price and must read the same.
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
        data[field.name] = _json_value(value)
    if instance.pk is not None:
        for field in opts.many_to_many:
            if field.name in SNAPSHOT_EXCLUDED:
                continue
            related = getattr(instance, field.name).all()
            data[field.name] = sorted(str(_reference(obj)) for obj in related)
    return data


def record_change(
    actor: Any,
    instance: models.Model,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    note: str = "",
) -> ChangeRecord:
    """Write one history entry for ``instance``; call it inside the transaction that made the change.

    ``actor`` is the user who made the change, or None for the system (migrations, imports run as nobody).
    """
    actor_id = (
        getattr(actor, "pk", None)
        if actor is not None and getattr(actor, "is_authenticated", False)
        else None
    )
    return ChangeRecord.objects.create(
        entity=entity_label(instance),
        object_id=str(instance.pk),
        action=str(action),
        actor_id=actor_id,
        at=timezone.now(),
        before=dict(before) if before is not None else None,
        after=dict(after) if after is not None else None,
        note=note,
    )


def create_with_history(
    actor: Any, instance: M, *, m2m: Mapping[str, Any] | None = None, note: str = ""
) -> M:
    """Validate (``full_clean``), save a new record, set its many-to-many fields and write its creation.

    Raises ValidationError naming each bad field; nothing is saved then.
    """
    with transaction.atomic():
        instance.full_clean()
        instance.save(force_insert=True)
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
        record_change(actor, instance, ChangeAction.CREATE, None, snapshot(instance), note)
    return instance


def _editable_field(model: type[models.Model], name: str) -> models.Field[Any, Any] | None:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return None  # reported to the caller as a validation error naming the field
    if not isinstance(field, models.Field) or not field.editable or field.primary_key:
        return None
    return field


def _cleared_value(field: models.Field[Any, Any]) -> Any:
    """What ``null`` means for a field whose column takes no NULL: cleared, or None when it cannot be.

    A text field that may be blank is cleared to ``""`` and a many-to-many field that may be empty to no
    records (docs/api.md: "a field set to null is cleared where that is allowed"). For any other field null is
    refused by the caller, naming it: Django's ``full_clean`` skips the empty value of a blank-allowed field,
    so without this the NOT NULL column would refuse the save and the client would be told to retry a change
    that can never succeed.
    """
    if not field.blank:
        return None
    if field.many_to_many:
        return []
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    return None


def lock_for_update(model: type[M], pk: Any) -> M:
    """Re-read the record and lock its row until the end of the transaction (``SELECT ... FOR UPDATE``)."""
    try:
        return model._default_manager.select_for_update().get(pk=pk)
    except model.DoesNotExist:
        raise NotFound(model._meta.verbose_name.capitalize(), pk) from None


def apply_update(
    actor: Any,
    instance: M,
    changes: Mapping[str, Any],
    expected_version: int,
    *,
    action: str = ChangeAction.UPDATE,
    note: str = "",
) -> M:
    """Apply ``changes`` (field name -> value) to a versioned record and return the updated record.

    In order: the row is locked and re-read; a version other than ``expected_version`` raises
    :class:`StaleVersion` with the current one; unknown or read-only fields and every invalid value raise one
    :class:`ValidationError` naming each field; otherwise the version is incremented, the record saved and the
    change written to the history. Many-to-many fields take a list of related records or keys. A change that
    alters nothing is not saved and writes no history. The version is also compared when saving, so two
    concurrent updates based on the same version can never both succeed, even where the database ignores row
    locks. Runs in the caller's transaction (or its own when there is none). The returned object is a fresh
    copy; ``instance`` itself is not modified.
    """
    model = type(instance)
    with transaction.atomic():
        current = lock_for_update(model, instance.pk)
        if current.version != expected_version:  # type: ignore[attr-defined]
            raise StaleVersion(
                model._meta.verbose_name.capitalize(),
                _display_key(current),
                expected_version,
                current.version,  # type: ignore[attr-defined]
            )
        before = snapshot(current)
        errors: dict[str, list[str]] = {}
        m2m_changes: dict[str, Any] = {}
        for name, value in changes.items():
            field = _editable_field(model, name)
            if field is None:
                errors.setdefault(name, []).append(
                    f"{name!r} is not a field of {model._meta.verbose_name} that can be changed."
                )
            elif value is None and not field.null:
                cleared = _cleared_value(field)
                if cleared is None:
                    errors.setdefault(name, []).append(
                        f"{name!r} cannot be null: give a value, or leave the field out to keep the current "
                        "one."
                    )
                elif field.many_to_many:
                    m2m_changes[name] = cleared
                else:
                    setattr(current, name, cleared)
            elif field.many_to_many:
                m2m_changes[name] = value
            else:
                setattr(current, name, value)
        if errors:
            raise ValidationError(errors)
        current.full_clean()
        if m2m_changes:
            for name, values in m2m_changes.items():
                getattr(current, name).set(values)
        after = snapshot(current)
        if after == before:
            return current
        saved = model._default_manager.filter(pk=current.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if saved != 1:
            # Another transaction committed a change since the row was read (possible without row locks).
            fresh = model._default_manager.get(pk=current.pk)
            raise StaleVersion(
                model._meta.verbose_name.capitalize(),
                _display_key(current),
                expected_version,
                fresh.version,  # type: ignore[attr-defined]
            )
        current.version = expected_version + 1  # type: ignore[attr-defined]
        if hasattr(current, "updated_at"):
            current.updated_at = timezone.now()
        current.save()
        after["version"] = current.version  # type: ignore[attr-defined]
        record_change(actor, current, action, before, after, note)
    return current


def _display_key(instance: models.Model) -> Any:
    code = getattr(instance, "code", None)
    return code if isinstance(code, str) else instance.pk


def history_for(entity: str, object_id: Any) -> QuerySet[ChangeRecord]:
    """The change history of one record, oldest first (``entity`` as ``"catalogue.item"``).

    This does not check visibility: callers first fetch the record through a selector that does.
    """
    return (
        ChangeRecord.objects.filter(entity=entity, object_id=str(object_id))
        .select_related("actor")
        .order_by("at", "id")
    )


def history_of(instance: models.Model) -> QuerySet[ChangeRecord]:
    """The change history of ``instance``, oldest first."""
    return history_for(entity_label(instance), instance.pk)


def resolve_code(model: type[M], value: Any, field: str, *, active_only: bool = False) -> M:
    """The ``model`` record ``value`` names: a record passes through, a string is looked up by ``code``.

    Raises ValidationError on ``field`` when there is no such record (or it is retired and ``active_only``).
    """
    verbose = model._meta.verbose_name
    if isinstance(value, model):
        obj = value
    else:
        if value is None or value == "":
            raise ValidationError({field: f"Give the code of a {verbose}."})
        try:
            obj = model._default_manager.get(code=value)
        except model.DoesNotExist:
            raise ValidationError({field: f"No {verbose} has the code {value!r}."}) from None
    if active_only and getattr(obj, "active", True) is False:
        raise ValidationError({field: f"The {verbose} {obj.code!r} is retired; choose an active one."})  # type: ignore[attr-defined]
    return obj


def set_active(actor: Any, instance: M, active: bool, expected_version: int, note: str = "") -> M:
    """Retire (``active=False``) or restore a record through :func:`apply_update`, with history."""
    action = ChangeAction.RESTORE if active else ChangeAction.RETIRE
    return apply_update(actor, instance, {"active": active}, expected_version, action=action, note=note)
