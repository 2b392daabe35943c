"""Value bounds: the one place where the limits of stored values are written down (issue 9 item 11).

Every numeric column rejects NaN (``'NaN' >= 0`` is true in PostgreSQL, so ``amount >= 0`` let it
through); infinities are refused by each column's precision already (22003), and the rule names them too
in case a column ever loses its precision. Titles and names are not blank, every text, array and jsonb
column has an upper bound, and e-mail addresses, currency codes and slugs have a format. Time zones are
checked by a trigger (reason ``invalid_timezone``) against ``pg_timezone_names``: a CHECK must not read
a catalog that changes with the server's time zone data (a dump would then fail to restore).

The database enforces these as CHECK constraints named ``<table>_<column>_<rule>`` (SQLSTATE 23514),
created by each app's ``v2_value_bounds`` migration from the SQL this module generated:

    python -m humanglue.db.bounds <app>            # forward SQL
    python -m humanglue.db.bounds <app> --reverse  # reverse SQL

Landed SQL files are frozen: a change of a limit here needs a new migration with newly generated files.
``tests/humanglue/test_value_bounds.py`` checks every rule of this module against the live database (its
name, a value that breaks it, a text at its length limit) and that every numeric, text, array and jsonb
column of the contract is bounded here or by the landed schema (``ALREADY_BOUNDED``).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

# Limits (characters for text, bytes for jsonb and arrays).
NAME_LENGTH = 200  # titles and names
SHORT_TEXT_LENGTH = 500  # taglines, locations, labels, and titles built from other titles
CODE_LENGTH = 255  # identifiers: language tags, phone numbers, provider and invoice ids
URL_LENGTH = 2048
LONG_TEXT_LENGTH = 20_000  # descriptions, bios, messages, notes, feedback
ARTICLE_LENGTH = 200_000  # lesson articles
JSON_BYTES = 64 * 1024  # metadata, settings and other jsonb documents (as jsonb::text)
JSON_CONTENT_BYTES = 256 * 1024  # jsonb that holds content: quiz questions and answers, syllabi, results
ARRAY_ITEMS = 100
ARRAY_BYTES = 20_000  # all the items of a text[] together
EMAIL_LENGTH = 254  # RFC 5321's limit for a forward path
SLUG_LENGTH = 100
TIMEZONE_LENGTH = 64

EMAIL_PATTERN = r"^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$"
CURRENCY_PATTERN = r"^[A-Z]{3}$"
# Lowercase letters and digits, words joined by one of RFC 3986's unreserved separators (Django's slugify
# keeps underscores, and dotted slugs are in use); no leading, trailing or doubled separator.
SLUG_PATTERN = r"^[a-z0-9]+([._-][a-z0-9]+)*$"


@dataclass(frozen=True)
class Rule:
    table: str
    column: str
    rule: str
    expression: str  # a CHECK expression over the column

    @property
    def name(self) -> str:
        return f"{self.table}_{self.column}_{self.rule}"


def _rules_for(table: str, column: str, kind: str) -> list[Rule]:
    c = column
    kinds: dict[str, list[tuple[str, str]]] = {
        "finite": [("finite", f"{c} NOT IN ('NaN'::numeric, 'Infinity'::numeric, '-Infinity'::numeric)")],
        "name": [("not_blank", f"{c} ~ '[^[:space:]]'"), ("length", f"char_length({c}) <= {NAME_LENGTH}")],
        "label": [("length", f"char_length({c}) <= {NAME_LENGTH}")],
        "short_title": [("not_blank", f"{c} ~ '[^[:space:]]'"),
                        ("length", f"char_length({c}) <= {SHORT_TEXT_LENGTH}")],
        "short": [("length", f"char_length({c}) <= {SHORT_TEXT_LENGTH}")],
        "code": [("length", f"char_length({c}) <= {CODE_LENGTH}")],
        "url": [("length", f"char_length({c}) <= {URL_LENGTH}")],
        "long": [("length", f"char_length({c}) <= {LONG_TEXT_LENGTH}")],
        "long_required": [("not_blank", f"{c} ~ '[^[:space:]]'"),
                          ("length", f"char_length({c}) <= {LONG_TEXT_LENGTH}")],
        "article": [("length", f"char_length({c}) <= {ARTICLE_LENGTH}")],
        "json": [("size", f"octet_length({c}::text) <= {JSON_BYTES}")],
        "json_content": [("size", f"octet_length({c}::text) <= {JSON_CONTENT_BYTES}")],
        "array": [("size", f"cardinality({c}) <= {ARRAY_ITEMS} "
                           f"AND octet_length(array_to_string({c}, '')) <= {ARRAY_BYTES}")],
        "email": [("format", f"{c} ~ '{EMAIL_PATTERN}'"), ("length", f"char_length({c}) <= {EMAIL_LENGTH}")],
        "currency": [("format", f"{c} ~ '{CURRENCY_PATTERN}'")],
        "slug": [("format", f"{c} ~ '{SLUG_PATTERN}'"), ("length", f"char_length({c}) <= {SLUG_LENGTH}")],
    }
    return [Rule(table, column, rule, expression) for rule, expression in kinds[kind]]


# table -> app, then column -> kind. Columns left out are bounded otherwise: see ALREADY_BOUNDED.
COLUMNS: dict[str, tuple[str, dict[str, str]]] = {
    "organizations": ("organizations", {
        "name": "name", "slug": "slug", "logo_url": "url", "website": "url", "industry": "label",
        "settings": "json", "metadata": "json",
    }),
    "teams": ("organizations", {"name": "name", "description": "long", "settings": "json", "metadata": "json"}),
    "users": ("organizations", {
        "email": "email", "full_name": "name", "avatar_url": "url", "phone": "code", "company_name": "label",
        "job_title": "label", "department": "label", "language": "code", "preferences": "json",
        "metadata": "json",
    }),
    "user_roles": ("organizations", {"metadata": "json"}),
    "instructor_profiles": ("instructors", {
        "professional_title": "name", "cover_photo_url": "url", "video_intro_url": "url",
        "expertise_tags": "array", "pillars": "array", "education": "json", "certifications": "json",
        "work_experience": "json", "social_links": "json", "average_rating": "finite", "metadata": "json",
    }),
    "instructor_settings": ("instructors", {
        "email_notifications": "json", "push_notifications": "json", "payment_details": "json",
        "minimum_payout_amount": "finite", "currency": "currency", "calendar_sync_token": "url",
        "metadata": "json",
    }),
    "courses": ("instructors", {
        "title": "name", "slug": "slug", "description": "long", "thumbnail_url": "url", "trailer_url": "url",
        "category": "label", "tags": "array", "what_you_will_learn": "array", "target_audience": "array",
        "prerequisites": "array", "duration_hours": "finite", "estimated_effort": "label", "language": "code",
        "price_amount": "finite", "currency": "currency", "average_rating": "finite", "total_revenue": "finite",
        "certificate_template_url": "url", "drip_schedule": "json", "metadata": "json",
    }),
    "course_sections": ("instructors", {"title": "name", "description": "long", "metadata": "json"}),
    "course_lessons": ("instructors", {
        "title": "name", "description": "long", "video_url": "url", "article_content": "article",
        "resource_url": "url", "quiz_questions": "json_content", "metadata": "json",
    }),
    "enrollments": ("instructors", {"certificate_url": "url", "metadata": "json"}),
    "student_progress": ("instructors", {"metadata": "json"}),
    # activity_title is written by triggers as '<verb> ' || a lesson or course title: a short text.
    "student_activity": ("instructors", {
        "activity_title": "short_title", "activity_description": "long", "metadata": "json",
    }),
    "course_reviews": ("instructors", {"title": "name", "instructor_response": "long", "metadata": "json"}),
    "quiz_attempts": ("instructors", {
        "quiz_data": "json_content", "score": "finite", "max_score": "finite", "percentage": "finite",
        "metadata": "json",
    }),
    "assignment_submissions": ("instructors", {
        "submission_text": "long", "submission_url": "url", "attachments": "json", "feedback": "long",
        "grade": "finite", "metadata": "json",
    }),
    "workshops": ("workshops", {
        "title": "name", "slug": "slug", "description": "long", "location": "short", "meeting_url": "url",
        "price_amount": "finite", "price_early_bird": "finite", "outcomes": "array", "prerequisites": "array",
        "tags": "array", "syllabus": "json_content", "thumbnail_url": "url", "video_url": "url",
        "materials_url": "url", "recording_url": "url", "average_satisfaction": "finite",
        "total_revenue": "finite", "certificate_template_url": "url", "metadata": "json",
    }),
    "workshop_registrations": ("workshops", {"price_paid": "finite", "metadata": "json"}),
    "workshop_feedback": ("workshops", {"what_went_well": "long", "what_could_improve": "long", "metadata": "json"}),
    "assessments": ("assessments", {
        "results": "json_content", "recommendations": "json_content", "metadata": "json",
    }),
    "assessment_responses": ("assessments", {
        "question_id": "code", "question_text": "long", "response_text": "long", "response_audio_url": "url",
        "ai_transcription": "long", "ai_sentiment_score": "finite", "ai_confidence_score": "finite",
        "ai_analysis": "json", "metadata": "json",
    }),
    "talent_profiles": ("talent", {
        "title": "name", "bio": "long", "location": "short", "expertise": "array", "certifications": "array",
        "languages": "array", "pillars": "array", "industries": "array", "transformation_stages": "array",
        "rating": "finite", "hourly_rate": "finite", "weekly_availability": "json", "testimonials": "json",
        "avatar_url": "url", "video_intro_url": "url", "metadata": "json",
    }),
    "engagement_requests": ("talent", {
        "title": "name", "description": "long", "focus_area": "short", "initial_message": "long",
        "timeline": "short", "hours_total": "finite", "hours_used": "finite", "hourly_rate": "finite",
        "deliverables": "json", "milestones": "json", "outcomes": "json", "metadata": "json",
    }),
    "consultations": ("talent", {
        "title": "name", "description": "long", "topics": "array", "meeting_url": "url", "meeting_notes": "long",
        "action_items": "json", "amount": "finite", "user_feedback": "long", "expert_notes": "long",
        "metadata": "json",
    }),
    "payments": ("payments", {
        "amount": "finite", "transaction_id": "code", "provider_customer_id": "code", "provider_status": "code",
        "invoice_number": "code", "invoice_url": "url", "refund_amount": "finite", "refund_reason": "long",
        "metadata": "json",
    }),
    "certificates": ("payments", {
        "title": "name", "description": "long", "certificate_number": "code", "skills_demonstrated": "array",
        "competencies": "json", "certificate_url": "url", "badge_url": "url", "verification_url": "url",
        "issuer_name": "name", "issuer_title": "label", "metadata": "json",
    }),
    "revenue_transactions": ("payments", {
        "amount": "finite", "platform_fee_percentage": "finite", "platform_fee_amount": "finite",
        "instructor_earnings": "finite", "payment_provider": "code", "payment_provider_transaction_id": "code",
    }),
    # Titles and messages are composed by the notify triggers from names and titles.
    "notifications": ("notifications", {"title": "short_title", "message": "long_required", "data": "json"}),
    "student_presence": ("notifications", {"metadata": "json"}),
}

# Columns whose values the landed schema bounds already (an IN list or enum type, a length CHECK, a
# varchar length, a currency CHECK), or that no client writes (generated, xid8): no new rule.
ALREADY_BOUNDED: dict[str, set[str]] = {
    "organizations": {"company_size", "subscription_tier", "subscription_status"},
    "users": {"password", "role", "status"},
    "team_members": {"role"},
    "user_roles": {"role"},
    "instructor_profiles": {"bio", "tagline"},  # <= 2000 and <= 200 characters
    "instructor_settings": {"payment_method", "payout_schedule", "calendar_provider"},
    "courses": {"pillar", "level", "status"},
    "course_lessons": {"content_type"},
    "enrollments": {"status"},
    "student_activity": {"activity_type"},
    "course_reviews": {"review_text"},  # <= 5000 characters
    "assignment_submissions": {"status"},
    "workshops": {"pillar", "level", "format", "status", "currency"},
    "workshop_registrations": {"status", "payment_status"},
    "assessments": {"pillar", "assessment_type", "status"},
    "assessment_responses": {"dimension", "answer_type"},
    "talent_profiles": {"tagline", "coaching_style", "availability", "currency", "search_vector"},
    "engagement_requests": {"currency", "status", "payment_status"},
    "consultations": {"status", "session_type", "pillar", "cancellation_reason", "currency", "payment_status"},
    "payments": {"currency", "payment_method", "provider", "status", "payment_type"},
    "certificates": {"certificate_type"},
    "revenue_transactions": {"transaction_type", "currency", "payment_status", "payout_status"},
    "notifications": {"type", "txid"},
    "student_presence": {"status"},
}

# Time zones: a BEFORE INSERT OR UPDATE OF timezone trigger, not a CHECK (see the docstring). Workshops
# have had theirs since workshops/0004 (inside maintain_workshop_fields); users and talent profiles get
# validate_<table>_timezone. All refuse with the same reason.
TIMEZONE_TABLES: dict[str, str] = {"users": "organizations", "workshops": "workshops", "talent_profiles": "talent"}
TIMEZONE_TRIGGER_TABLES = ("users", "talent_profiles")
TIMEZONE_REASON = "invalid_timezone"


RULES: tuple[Rule, ...] = tuple(
    rule
    for table, (_app, columns) in COLUMNS.items()
    for column, kind in columns.items()
    for rule in _rules_for(table, column, kind)
)

assert all(len(rule.name.encode()) <= 63 for rule in RULES), "identifiers are at most 63 bytes"


def app_of(table: str) -> str:
    return COLUMNS[table][0] if table in COLUMNS else TIMEZONE_TABLES[table]


def rules_of_app(app_label: str) -> list[Rule]:
    return [rule for rule in RULES if app_of(rule.table) == app_label]


def tables_of_app(app_label: str) -> list[str]:
    tables = [t for t, (app, _) in COLUMNS.items() if app == app_label]
    return tables + [t for t, app in TIMEZONE_TABLES.items() if app == app_label and t not in tables]


def forward_sql(app_label: str) -> str:
    """ALTER TABLE statements that add the app's rules NOT VALID (new writes are checked at once; the
    migration's ValidateOrReport then validates them against the rows already stored)."""
    lines = []
    for table in tables_of_app(app_label):
        rules = [r for r in RULES if r.table == table]
        if not rules:
            continue
        adds = ",\n".join(f"    ADD CONSTRAINT {r.name} CHECK ({r.expression}) NOT VALID" for r in rules)
        lines.append(f"ALTER TABLE public.{table}\n{adds};\n")
    return "\n".join(lines)


def reverse_sql(app_label: str) -> str:
    lines = []
    for table in tables_of_app(app_label):
        rules = [r for r in RULES if r.table == table]
        if not rules:
            continue
        drops = ",\n".join(f"    DROP CONSTRAINT IF EXISTS {r.name}" for r in rules)
        lines.append(f"ALTER TABLE public.{table}\n{drops};\n")
    return "\n".join(lines)


def _main(argv: list[str]) -> int:
    if not argv or argv[0] not in {app for app, _ in COLUMNS.values()}:
        print("usage: python -m humanglue.db.bounds <app> [--reverse]", file=sys.stderr)
        return 2
    print(reverse_sql(argv[0]) if "--reverse" in argv else forward_sql(argv[0]), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
