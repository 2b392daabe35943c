"""Writes of the instructor portal: the caller's own instructor profile and settings.

They run under the caller's rights: RLS lets a user insert and update only their own rows
(``instructor_profiles_*_own``, ``instructor_settings_all_own``), the profile guard keeps the maintained and
restricted columns, and the secret settings columns are never written here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import transaction

from .models import InstructorProfile, InstructorSettings

PROFILE_TITLE_REQUIRED = "A professional title is required to create an instructor profile."


@transaction.atomic
def instructor_profile_save(*, user_id: UUID, profile: InstructorProfile | None,
                            changes: dict[str, Any]) -> tuple[InstructorProfile, bool]:
    """Update the caller's profile with ``changes``, or create it (the contract lets anyone become an
    instructor, spec 20). Returns the profile and whether it was created."""
    if profile is None:
        if not changes.get("professional_title"):
            raise ValidationError({"professional_title": [ValidationError(PROFILE_TITLE_REQUIRED, code="required")]})
        profile = InstructorProfile.objects.create(user_id=user_id, **changes)
        profile.refresh_from_db()  # the initial figures come from init_instructor_stats_trigger
        return profile, True
    for name, value in changes.items():
        setattr(profile, name, value)
    if changes:
        profile.save(update_fields=list(changes))
        profile.refresh_from_db()
    return profile, False


@transaction.atomic
def instructor_settings_save(*, user_id: UUID, settings: InstructorSettings | None,
                             changes: dict[str, Any]) -> tuple[InstructorSettings, bool]:
    """Update the caller's settings (notification preference objects are merged key by key), or create them
    with the defaults for what ``changes`` leaves out. Returns the settings and whether they were created."""
    if settings is None:
        settings = InstructorSettings(user_id=user_id)
        created = True
    else:
        created = False
    for name in ("email_notifications", "push_notifications"):
        if name in changes:
            changes[name] = {**getattr(settings, name), **changes[name]}
    for name, value in changes.items():
        setattr(settings, name, value)
    if created:
        settings.save()
    elif changes:
        settings.save(update_fields=list(changes))
    settings.refresh_from_db()
    return settings, created
