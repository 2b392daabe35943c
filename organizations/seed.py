"""The organizations' slice of the seed: organizations, people, role grants, teams and members.

Demo: Acme and Globex, and every person of the data set (the later slices find them in ``ctx.users``
by the seed's name for them). Every role of the leak matrix has a login: platform admin, the two org
admins, an instructor, a student and a plain member per organization, the experts, and an outsider who
belongs to no organization and owns nothing (anonymous needs no account).
Scale: the organizations and the users (instructors, then students) of the plan.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission

from humanglue.seeding import DemoContext, Fields, ScaleContext, sid
from organizations.models import Organization, Team, TeamMember, User, UserRoleGrant

DEMO_PASSWORD = "HumanGlue-demo-2025"

# (what the login shows, e-mail): printed by the seed command and listed in the README.
DEMO_LOGINS: tuple[tuple[str, str], ...] = (
    ("platform admin", "admin@humanglue.example"),
    ("org admin, Acme", "olivia.grant@acme.example"),
    ("org admin, Globex", "marcus.webb@globex.example"),
    ("instructor, Acme", "maya.chen@acme.example"),
    ("instructor, Globex", "leo.park@globex.example"),
    ("instructor, independent", "sam.rivera@humanglue.example"),
    ("student, Acme", "alice.kim@acme.example"),
    ("student, Globex", "chloe.dubois@globex.example"),
    ("member, Acme", "nina.alvarez@acme.example"),
    ("member, Globex", "omar.haddad@globex.example"),
    ("expert", "ava.johnson@humanglue.example"),
    ("outsider (no organization)", "outsider@humanglue.example"),
)

# The staff groups of the admin (issue 12): Django's model permissions per app and model; the rows each
# staff member sees and may change are still decided by row level security. A permission here only puts
# the page in the admin; a policy that refuses the write still refuses it.
ORG_ADMIN_GROUP = "Organization admin"
INSTRUCTOR_GROUP = "Instructor"
VIEW, EDIT, ALL = ("view",), ("view", "add", "change"), ("view", "add", "change", "delete")
STAFF_GROUPS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    ORG_ADMIN_GROUP: {
        # Their organization (the billing columns stay the platform's: guard trigger), its teams, members,
        # role grants and users (org admins add and edit their users; no policy lets them delete one).
        "organizations": {"organization": ("view", "change"), "team": ALL, "teammember": ALL,
                          "userrolegrant": ALL, "user": EDIT},
        # What their organization learns: read only.
        "instructors": {"course": VIEW, "enrollment": VIEW},
        "workshops": {"workshop": VIEW, "workshopregistration": VIEW},
        "assessments": {"assessment": VIEW},
    },
    INSTRUCTOR_GROUP: {
        "instructors": {"instructorprofile": ("view", "change"), "instructorsettings": ("view", "change"),
                        "course": ALL, "coursesection": ALL, "courselesson": ALL,
                        "enrollment": ("view", "change"), "studentprogress": VIEW, "studentactivity": VIEW,
                        "coursereview": ("view", "change"), "quizattempt": VIEW,
                        "assignmentsubmission": ("view", "change")},
        "workshops": {"workshop": ALL, "workshopregistration": ("view", "change"), "workshopfeedback": VIEW},
        "payments": {"revenuetransaction": VIEW, "certificate": VIEW},
    },
}
# Seeded people who are staff, and their group (platform admins are superusers and need none).
STAFF_PEOPLE = {"acme_admin": ORG_ADMIN_GROUP, "globex_admin": ORG_ADMIN_GROUP,
                "maya": INSTRUCTOR_GROUP, "leo": INSTRUCTOR_GROUP, "sam": INSTRUCTOR_GROUP}


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("organizations, people, teams and role grants")
    ctx.orgs["acme"], _ = ctx.row(
        Organization, "org:acme", natural={"slug": "acme"}, name="Acme Corporation",
        website="https://acme.example", industry="Manufacturing", company_size="1000+",
        subscription_tier="enterprise", max_users=-1, max_teams=-1, settings={"billing_cycle": "annual"},
    )
    ctx.orgs["globex"], _ = ctx.row(
        Organization, "org:globex", natural={"slug": "globex"}, name="Globex Logistics",
        website="https://globex.example", industry="Logistics", company_size="201-500",
        subscription_tier="growth", subscription_status="trialing", max_users=50, max_teams=5,
        subscription_expires_at=ctx.at(30),
    )
    acme, globex = ctx.orgs["acme"], ctx.orgs["globex"]
    people: list[tuple[str, str, str, Organization | None, Fields]] = [
        ("admin", "admin@humanglue.example", "Priya Raman", None,
         {"role": "admin", "is_staff": True, "is_superuser": True, "job_title": "Platform operations"}),
        ("acme_admin", "olivia.grant@acme.example", "Olivia Grant", acme,
         {"role": "org_admin", "job_title": "Head of People"}),
        ("globex_admin", "marcus.webb@globex.example", "Marcus Webb", globex,
         {"role": "org_admin", "job_title": "COO"}),
        ("acme_lead", "tom.lee@acme.example", "Tom Lee", acme,
         {"role": "team_lead", "job_title": "Engineering Manager", "department": "Engineering"}),
        ("acme_member", "nina.alvarez@acme.example", "Nina Alvarez", acme, {"department": "People"}),
        ("globex_member", "omar.haddad@globex.example", "Omar Haddad", globex, {"department": "Sales"}),
        ("alice", "alice.kim@acme.example", "Alice Kim", acme,
         {"job_title": "Product Manager", "department": "Engineering", "onboarding_completed": True}),
        ("ben", "ben.ortiz@acme.example", "Ben Ortiz", acme, {"job_title": "Platform Engineer"}),
        ("chloe", "chloe.dubois@globex.example", "Chloe Dubois", globex,
         {"job_title": "Account Executive", "language": "fr", "timezone": "Europe/Paris"}),
        ("diego", "diego.santos@globex.example", "Diego Santos", globex, {"job_title": "Dispatcher"}),
        ("emma", "emma.wilson@humanglue.example", "Emma Wilson", None,
         {"company_name": "Wilson Studio", "job_title": "Founder"}),
        ("maya", "maya.chen@acme.example", "Dr. Maya Chen", acme, {"job_title": "Organizational psychologist"}),
        ("leo", "leo.park@globex.example", "Leo Park", globex, {"job_title": "Strategy lead"}),
        ("sam", "sam.rivera@humanglue.example", "Sam Rivera", None, {"company_name": "Rivera Coaching"}),
        ("ava", "ava.johnson@humanglue.example", "Ava Johnson", None, {"company_name": "Johnson Advisory"}),
        ("noah", "noah.patel@humanglue.example", "Noah Patel", None, {"timezone": "Asia/Kolkata"}),
        # Experts employed by the two organizations (internal coaches), so expert-side rows exist per tenant.
        ("grace", "grace.obi@acme.example", "Grace Obi", acme,
         {"job_title": "Internal agile coach", "department": "People"}),
        ("hugo", "hugo.brandt@globex.example", "Hugo Brandt", globex, {"job_title": "Operations excellence lead"}),
        ("outsider", "outsider@humanglue.example", "Owen Stone", None, {}),
    ]
    password = _PasswordHash()
    for name, email, full_name, org, extra in people:
        ctx.users[name] = _user(email, full_name, org, password, **extra)
        ctx.names[ctx.users[name].pk] = name
    u = ctx.users
    Organization.objects.filter(pk=acme.pk, primary_contact__isnull=True).update(primary_contact=u["acme_admin"])
    Organization.objects.filter(pk=globex.pk, primary_contact__isnull=True).update(
        primary_contact=u["globex_admin"]
    )

    grants = [
        ("admin", "super_admin_full", None), ("acme_admin", "org_admin", acme),
        ("globex_admin", "org_admin", globex), ("acme_lead", "team_lead", acme),
        ("maya", "instructor", None), ("leo", "instructor", None), ("sam", "instructor", None),
        ("ava", "expert", None), ("noah", "expert", None), ("grace", "expert", None), ("hugo", "expert", None),
        ("emma", "client", None),
        ("diego", "member", acme),  # a second organization through an org-scoped grant
    ]
    for name, role, org in grants:
        ctx.row(UserRoleGrant, f"grant:{name}:{role}:{org.slug if org else '-'}",
                natural={"user": u[name], "role": role, "organization": org}, granted_by=u["admin"])

    teams = {
        "engineering": (acme, "Engineering", None), "platform": (acme, "Platform", "engineering"),
        "people": (acme, "People & Culture", None), "sales": (globex, "Sales", None),
        "operations": (globex, "Operations", None),
    }
    team_rows: dict[str, Team] = {}
    for key, (org, name, parent) in teams.items():
        team_rows[key], _ = ctx.row(
            Team, f"team:{key}", natural={"organization": org, "name": name},
            parent_team=team_rows.get(parent) if parent else None, description=f"{name} at {org.name}",
        )
    memberships = [
        ("engineering", "acme_lead", "team_lead"), ("engineering", "alice", "member"),
        ("platform", "ben", "member"), ("people", "acme_member", "member"), ("people", "acme_admin", "team_lead"),
        ("sales", "chloe", "team_lead"), ("sales", "globex_member", "member"),
        ("operations", "diego", "member"),
    ]
    for team, name, role in memberships:
        ctx.row(TeamMember, f"team_member:{team}:{name}", natural={"team": team_rows[team], "user": u[name]},
                role=role)

    ctx.say("staff groups of the admin")
    groups = {name: staff_group(name) for name in STAFF_GROUPS}
    for name, group in STAFF_PEOPLE.items():
        User.objects.filter(pk=u[name].pk, is_staff=False).update(is_staff=True)
        u[name].groups.add(groups[group])


def staff_group(name: str) -> Group:
    """The staff group ``name``; created with its permissions only when missing, so a platform admin's
    later edits of the group survive another seed run."""
    group, created = Group.objects.get_or_create(name=name)
    if created:
        group.permissions.set(_permissions(STAFF_GROUPS[name]))
    return group


def _permissions(spec: dict[str, dict[str, tuple[str, ...]]]) -> list[Permission]:
    wanted = {(app, f"{action}_{model}") for app, models in spec.items()
              for model, actions in models.items() for action in actions}
    found = list(Permission.objects.filter(content_type__app_label__in={app for app, _ in wanted})
                 .select_related("content_type"))
    found = [p for p in found if (p.content_type.app_label, p.codename) in wanted]
    missing = wanted - {(p.content_type.app_label, p.codename) for p in found}
    if missing:  # a renamed model: the group would silently lack a page
        raise LookupError(f"permissions missing (run migrate first): {sorted(missing)}")
    return found


class _PasswordHash:
    """The demo password's hash, computed once per run and only when a user is missing (hashing is slow)."""

    def __init__(self) -> None:
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            self._value = make_password(DEMO_PASSWORD)
        return self._value


def _user(email: str, full_name: str, org: Organization | None, password: _PasswordHash, **extra: Any) -> User:
    pk = sid(f"user:{email}")
    existing = User.objects.filter(pk=pk).first() or User.objects.filter(email=email).first()
    if existing is not None:
        return existing
    user = User(id=pk, email=email, full_name=full_name, organization=org, email_verified=True,
                password=password(), **extra)
    user.save(force_insert=True)
    return user


def seed_scale(ctx: ScaleContext) -> None:
    p = ctx.plan
    ctx.copy("organizations", "id, name, slug, subscription_tier", _organizations(ctx), p.orgs)
    ctx.copy("users", "id, email, full_name, organization_id, role", _users(ctx), p.instructors + p.students)


def _organizations(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for n in range(p.orgs):
        yield f"{i.org[n]}\tScale org {p.run}-{n}\tscale-{p.run}-org-{n}\tgrowth\n"


def _users(ctx: ScaleContext) -> Iterator[str]:
    p, i = ctx.plan, ctx.ids
    for n in range(p.instructors):
        yield (f"{i.user[n]}\tscale{p.run}-instructor-{n}@example.com\tInstructor {n}\t"
               f"{i.org[n % p.orgs]}\tmember\n")
    for s in range(p.students):
        yield (f"{i.user[p.instructors + s]}\tscale{p.run}-student-{s}@example.com\tStudent {s}\t"
               f"{i.org[s % p.orgs]}\tmember\n")
