"""/api/v1/assessments/ and /api/v1/organizations/<id>/adaptability-trend/: starting, answering, skipping and
changing answers, completing (scores are the database's, never the client's), answers frozen afterwards,
results and progress, my latest assessments, and an organization's trend for its org admins."""

from __future__ import annotations

from typing import Any

import pytest

from assessments.models import Assessment, AssessmentResponse
from tests.api_client import assert_error, client_for
from tests.world import World, acting_as, build_world

pytestmark = pytest.mark.django_db

LIST = "/api/v1/assessments/"
CLIENT_SCORES = {"individual_score": 100, "leadership_score": 100, "cultural_score": 100, "embedding_score": 100,
                 "velocity_score": 100, "overall_score": 100, "status": "completed",
                 "completed_at": "2020-01-01T00:00:00Z", "results": {"ai_insights": "perfect"}}


@pytest.fixture
def world() -> World:
    return build_world()


def url(assessment: Any, action: str = "") -> str:
    return f"{LIST}{assessment.pk if hasattr(assessment, 'pk') else assessment}/{action + '/' if action else ''}"


def ids(response: Any) -> set[str]:
    assert response.status_code == 200, response.content[:500]
    return {row["id"] for row in response.json()["results"]}


def start(user: Any, **body: Any) -> dict[str, Any]:
    response = client_for(user).post(LIST, {"pillar": "adaptability", **body}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def answer(user: Any, assessment_id: str, expected: int = 201, **body: Any) -> dict[str, Any]:
    response = client_for(user).post(f"{LIST}{assessment_id}/responses/", body, format="json")
    assert response.status_code == expected, response.content
    return response.json()


def detail(user: Any, assessment_id: str) -> dict[str, Any]:
    response = client_for(user).get(f"{LIST}{assessment_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def completed(user: Any, *, pillar: str = "adaptability", **scores: int) -> Assessment:
    """A completed assessment with imported scores (written as the owner, like ``seed``)."""
    return Assessment.objects.create(user=user, pillar=pillar, status="completed", **scores)


# --- anonymous --------------------------------------------------------------------------------------------


def test_anonymous_callers_get_401_everywhere(world: World) -> None:
    assessment = world.a.rows["assessment"]
    anonymous = client_for(None)
    for path in (LIST, url(assessment), url(assessment, "questions"), url(assessment, "responses"),
                 url(assessment, "results"), f"{LIST}latest/",
                 f"/api/v1/organizations/{world.a.org.pk}/adaptability-trend/"):
        assert_error(anonymous.get(path), 401)
    for path in (LIST, url(assessment, "responses"), url(assessment, "complete"), url(assessment, "archive")):
        assert_error(anonymous.post(path, {"pillar": "adaptability", "question_id": "q1"}, format="json"), 401)
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"


# --- starting ---------------------------------------------------------------------------------------------


def test_starting_an_assessment_ignores_client_scores_and_dates(world: World) -> None:
    body = start(world.a.member, pillar="coaching", assessment_type="quick", **CLIENT_SCORES)
    assert (body["pillar"], body["assessment_type"], body["status"]) == ("coaching", "quick", "in_progress")
    assert all(body[score] is None for score in ("individual_score", "leadership_score", "cultural_score",
                                                 "embedding_score", "velocity_score", "overall_score"))
    assert body["completed_at"] is None and body["started_at"] is not None and body["results"] == {}
    assert body["organization"] == str(world.a.org.pk)  # the user's own, filled by the trigger
    assert body["user"]["id"] == str(world.a.member.pk)
    row = Assessment.objects.get(pk=body["id"])
    assert (row.user_id, row.status, row.overall_score) == (world.a.member.pk, "in_progress", None)


def test_starting_again_resumes_the_unfinished_assessment_of_that_pillar(world: World) -> None:
    first = start(world.b.member)
    again = client_for(world.b.member).post(LIST, {"pillar": "adaptability"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    other_type = start(world.b.member, assessment_type="follow_up")
    other_pillar = start(world.b.member, pillar="marketplace")
    assert len({first["id"], other_type["id"], other_pillar["id"]}) == 3
    # a not started one (e.g. assigned by staff) is resumed and started
    waiting = Assessment.objects.create(user=world.b.student, pillar="coaching")
    resumed = client_for(world.b.student).post(LIST, {"pillar": "coaching"}, format="json")
    assert resumed.status_code == 200, resumed.content
    assert (resumed.json()["id"], resumed.json()["status"]) == (str(waiting.pk), "in_progress")
    # an abandoned one is not resumed
    client_for(world.b.member).post(url(first["id"], "archive"))
    assert start(world.b.member)["id"] != first["id"]


def test_starting_is_validated_and_only_in_my_organizations(world: World) -> None:
    client = client_for(world.a.student)
    assert_error(client.post(LIST, {}, format="json"), 400, "required", "pillar")
    assert_error(client.post(LIST, {"pillar": "leadership"}, format="json"), 400, "invalid_choice", "pillar")
    assert_error(client.post(LIST, {"pillar": "coaching", "assessment_type": "long"}, format="json"), 400,
                 "invalid_choice", "assessment_type")
    assert_error(client.post(LIST, {"pillar": "coaching", "metadata": [1]}, format="json"), 400, "invalid",
                 "metadata")
    before = Assessment.objects.count()
    assert_error(client.post(LIST, {"pillar": "coaching", "organization": str(world.b.org.pk)}, format="json"),
                 403, "user_outside_organization")
    assert Assessment.objects.count() == before
    own = start(world.a.student, pillar="coaching", organization=str(world.a.org.pk))
    assert own["organization"] == str(world.a.org.pk)
    assert start(world.outsider)["organization"] is None


# --- reading ----------------------------------------------------------------------------------------------


def test_my_assessments_are_exactly_mine(world: World) -> None:
    a, b = world.a.rows["assessment"], world.b.rows["assessment"]
    expected = {world.a.student: {str(a.pk)}, world.b.student: {str(b.pk)}}
    for user in (world.a.student, world.b.student, world.a.org_admin, world.a.member, world.a.instructor,
                 world.platform_admin, world.outsider):
        assert ids(client_for(user).get(LIST)) == expected.get(user, set()), user.email
    client = client_for(world.a.student)
    assert ids(client.get(f"{LIST}?status=in_progress&pillar=adaptability")) == {str(a.pk)}
    assert ids(client.get(f"{LIST}?status=completed")) == set()
    assert_error(client.get(f"{LIST}?status=finished"), 400, "invalid_choice", "status")


def test_an_assessment_is_visible_to_its_owner_org_admin_and_platform_admin_only(world: World) -> None:
    assessment = world.a.rows["assessment"]
    for user in (world.a.student, world.a.org_admin, world.platform_admin):
        body = detail(user, str(assessment.pk))
        assert (body["id"], body["individual_score"]) == (str(assessment.pk), 4)
    # colleagues (plain members, the instructor) and the other organization: 404, never 403
    for user in (world.a.member, world.a.instructor, world.b.student, world.b.org_admin, world.outsider):
        assert_error(client_for(user).get(url(assessment)), 404)
        assert_error(client_for(user).get(url(assessment, "results")), 404)
        assert_error(client_for(user).get(url(assessment, "questions")), 404)
        assert_error(client_for(user).get(url(assessment, "responses")), 404)


def test_answers_and_questions_are_the_owners_not_the_org_admins(world: World) -> None:
    assessment = world.a.rows["assessment"]
    AssessmentResponse.objects.create(assessment=assessment, question_id="q2", question_number=2,
                                      question_text="How do you lead change?", dimension="leadership",
                                      answer_type="scale")  # laid out, not answered yet
    AssessmentResponse.objects.create(assessment=assessment, question_id="q3", question_number=3, skipped=True)
    for user in (world.a.student, world.platform_admin):
        rows = client_for(user).get(url(assessment, "responses")).json()["results"]
        assert [r["question_id"] for r in rows] == ["q2", "q3", "q1"]  # by number, unnumbered last
        questions = client_for(user).get(url(assessment, "questions")).json()["results"]
        assert {q["question_id"]: (q["answered"], q["skipped"]) for q in questions} == {
            "q1": (True, False), "q2": (False, False), "q3": (False, True)}
        assert "answer_value" not in questions[0] and "ai_analysis" not in questions[0]
        pending = client_for(user).get(url(assessment, "questions") + "?pending=true").json()["results"]
        assert [q["question_id"] for q in pending] == ["q2"]
        settled = client_for(user).get(url(assessment, "questions") + "?pending=false").json()["results"]
        assert {q["question_id"] for q in settled} == {"q1", "q3"}
    # the org admin reads the scores, never the raw answers
    assert_error(client_for(world.a.org_admin).get(url(assessment, "responses")), 403, "answers_private")
    assert_error(client_for(world.a.org_admin).get(url(assessment, "questions")), 403, "answers_private")


# --- answering --------------------------------------------------------------------------------------------


def test_answering_changing_and_skipping_rescore_the_assessment(world: World) -> None:
    assessment = start(world.a.member)
    aid = assessment["id"]
    first = answer(world.a.member, aid, question_id="ind-1", question_number=1, question_text="Ready?",
                   dimension="individual", answer_type="scale", answer_value=80, individual_score=5,
                   ai_analysis={"fake": True}, ai_sentiment_score=1)
    assert (first["answer_value"], first["skipped"], first["ai_analysis"], first["ai_sentiment_score"]) == (
        80, False, {}, None)
    assert (detail(world.a.member, aid)["individual_score"], detail(world.a.member, aid)["overall_score"]) == (80, 80)
    answer(world.a.member, aid, question_id="lead-1", question_number=2, dimension="leadership",
           answer_type="scale", answer_value=50, question_weight=3)
    answer(world.a.member, aid, question_id="lead-2", question_number=3, dimension="leadership",
           answer_type="scale", answer_value=90)
    body = detail(world.a.member, aid)
    assert (body["leadership_score"], body["overall_score"]) == (60, 70)  # (50*3 + 90) / 4; (80 + 60) / 2
    # change an answer: same row, new value; the question's layout is kept when left out
    changed = answer(world.a.member, aid, expected=200, question_id="ind-1", answer_value=40)
    assert (changed["id"], changed["answer_value"], changed["dimension"], changed["question_text"]) == (
        first["id"], 40, "individual", "Ready?")
    assert changed["answered_at"] >= first["answered_at"]
    assert detail(world.a.member, aid)["individual_score"] == 40
    # skip: the answer is cleared and no longer scores
    skipped = answer(world.a.member, aid, expected=200, question_id="ind-1", skipped=True, answer_value=99)
    assert (skipped["skipped"], skipped["answer_value"]) == (True, None)
    body = detail(world.a.member, aid)
    assert (body["individual_score"], body["overall_score"]) == (None, 60)
    # an unscored text answer
    text = answer(world.a.member, aid, question_id="reflection", response_text="Small experiments.")
    assert (text["dimension"], text["answer_type"]) == (None, "text")
    assert AssessmentResponse.objects.filter(assessment_id=aid).count() == 4


def test_answers_are_validated(world: World) -> None:
    aid = str(world.a.rows["assessment"].pk)
    client = client_for(world.a.student)
    path = f"{LIST}{aid}/responses/"
    assert_error(client.post(path, {}, format="json"), 400, "required", "question_id")
    assert_error(client.post(path, {"question_id": "x", "answer_value": 101}, format="json"), 400, "max_value",
                 "answer_value")
    assert_error(client.post(path, {"question_id": "x", "dimension": "speed"}, format="json"), 400,
                 "invalid_choice", "dimension")
    assert_error(client.post(path, {"question_id": "x", "question_weight": 0}, format="json"), 400, "min_value",
                 "question_weight")
    assert_error(client.post(path, {"question_id": "x", "response_audio_url": "file:///etc/passwd"}, format="json"),
                 400, "invalid", "response_audio_url")
    assert_error(client.post(path, {"question_id": "x" * 256}, format="json"), 400, "max_length", "question_id")
    assert not AssessmentResponse.objects.filter(question_id="x").exists()


def test_only_the_owner_answers(world: World) -> None:
    assessment = world.a.rows["assessment"]
    body = {"question_id": "q9", "dimension": "individual", "answer_value": 100}
    for user in (world.b.student, world.b.org_admin, world.a.member, world.a.instructor, world.outsider):
        assert_error(client_for(user).post(url(assessment, "responses"), body, format="json"), 404)
    assert_error(client_for(world.a.org_admin).post(url(assessment, "responses"), body, format="json"), 403,
                 "not_assessment_owner")
    assert not AssessmentResponse.objects.filter(question_id="q9").exists()
    assert Assessment.objects.get(pk=assessment.pk).individual_score == 4
    # staff may (responses_platform_admin_all): the score follows the answers
    answer(world.platform_admin, str(assessment.pk), **body)
    assert Assessment.objects.get(pk=assessment.pk).individual_score == 52


# --- completing and frozen answers ------------------------------------------------------------------------


def test_completing_keeps_the_database_scores_and_freezes_the_answers(world: World) -> None:
    assessment = world.a.rows["assessment"]
    client = client_for(world.a.student)
    answer(world.a.student, str(assessment.pk), question_id="cult-1", dimension="cultural", answer_value=60)
    response = client.post(url(assessment, "complete"), CLIENT_SCORES, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed" and body["completed_at"] is not None
    assert (body["individual_score"], body["cultural_score"], body["leadership_score"], body["overall_score"]) == (
        4, 60, None, 32)
    assert body["results"] == {}
    row = Assessment.objects.get(pk=assessment.pk)
    assert (row.status, row.overall_score) == ("completed", 32)
    # frozen: no new answer, no change, no skip, for the owner and for staff
    for user, change in ((world.a.student, {"question_id": "q1", "answer_value": 100}),
                         (world.a.student, {"question_id": "new", "dimension": "velocity", "answer_value": 100}),
                         (world.a.student, {"question_id": "q1", "skipped": True}),
                         (world.platform_admin, {"question_id": "q1", "answer_value": 100})):
        assert_error(client_for(user).post(url(assessment, "responses"), change, format="json"), 400,
                     "assessment_frozen")
    assert list(AssessmentResponse.objects.filter(assessment=assessment).values_list("question_id", "answer_value")
                .order_by("question_id")) == [("cult-1", 60), ("q1", 4)]
    assert_error(client.post(url(assessment, "complete")), 409, "already_completed")
    assert_error(client.post(url(assessment, "archive")), 409, "already_completed")
    assert Assessment.objects.get(pk=assessment.pk).overall_score == 32


def test_completing_needs_a_scored_answer_and_the_owner(world: World) -> None:
    aid = start(world.b.member)["id"]
    answer(world.b.member, aid, question_id="reflection", response_text="Only words.")
    assert_error(client_for(world.b.member).post(f"{LIST}{aid}/complete/"), 400, "nothing_to_score")
    assert Assessment.objects.get(pk=aid).status == "in_progress"
    assessment = world.a.rows["assessment"]
    for user in (world.b.student, world.b.org_admin, world.a.member, world.outsider):
        assert_error(client_for(user).post(url(assessment, "complete")), 404)
        assert_error(client_for(user).post(url(assessment, "archive")), 404)
    assert_error(client_for(world.a.org_admin).post(url(assessment, "complete")), 403, "not_assessment_owner")
    assert_error(client_for(world.a.org_admin).post(url(assessment, "archive")), 403, "not_assessment_owner")
    assert Assessment.objects.get(pk=assessment.pk).status == "in_progress"


def test_an_abandoned_assessment_is_frozen_too(world: World) -> None:
    assessment = world.b.rows["assessment"]
    response = client_for(world.b.student).post(url(assessment, "archive"))
    assert response.status_code == 200 and response.json()["status"] == "archived"
    assert_error(client_for(world.b.student).post(url(assessment, "responses"), {"question_id": "q1",
                                                                                  "answer_value": 9}, format="json"),
                 400, "assessment_frozen")
    assert_error(client_for(world.b.student).post(url(assessment, "complete")), 409, "assessment_archived")


# --- results and latest -----------------------------------------------------------------------------------


def test_results_show_dimension_scores_and_progress(world: World) -> None:
    assessment = world.a.rows["assessment"]
    aid = str(assessment.pk)
    answer(world.a.student, aid, question_id="ind-2", dimension="individual", answer_value=50, question_weight=3)
    answer(world.a.student, aid, question_id="vel-1", dimension="velocity", skipped=True)
    answer(world.a.student, aid, question_id="note", response_text="   ")  # blank: not an answer
    body = client_for(world.a.student).get(url(assessment, "results")).json()
    dims = {d["dimension"]: d for d in body["dimensions"]}
    assert list(dims) == ["individual", "leadership", "cultural", "embedding", "velocity"]
    assert dims["individual"] == {"dimension": "individual", "score": 39, "total_questions": 2,
                                  "answered_questions": 2, "skipped_questions": 0, "completion_percentage": 100}
    assert dims["velocity"]["score"] is None and dims["velocity"]["skipped_questions"] == 1
    assert dims["leadership"]["total_questions"] == 0
    assert body["unscored"]["total_questions"] == 1 and body["unscored"]["answered_questions"] == 0
    assert (body["total_questions"], body["answered_questions"], body["completion_percentage"]) == (4, 2, 50)
    assert body["assessment"]["overall_score"] == 39
    # the org admin: the scores, and no answers behind them
    admin = client_for(world.a.org_admin).get(url(assessment, "results")).json()
    assert admin["assessment"]["individual_score"] == 39 and admin["total_questions"] == 0
    assert admin["unscored"] is None


def test_my_latest_assessments_overall_and_per_pillar(world: World) -> None:
    student = world.a.student
    old = completed(student, individual_score=40)
    coaching = completed(student, pillar="coaching", leadership_score=70)
    newest = completed(student, individual_score=80, velocity_score=60)
    Assessment.objects.filter(pk=old.pk).update(completed_at="2025-01-01T00:00:00Z", started_at=None)
    Assessment.objects.filter(pk=coaching.pk).update(completed_at="2025-02-01T00:00:00Z", started_at=None)
    completed(student, pillar="marketplace", cultural_score=10)
    Assessment.objects.filter(user=student, pillar="marketplace").update(status="archived")  # not "latest"
    completed(world.b.student, individual_score=99)
    path = f"{LIST}latest/"
    body = client_for(student).get(path).json()
    assert body["latest"]["assessment_id"] == str(newest.pk)
    assert (body["latest"]["overall_score"], body["latest"]["pillar"]) == (70, "adaptability")
    assert {row["pillar"]: row["assessment_id"] for row in body["by_pillar"]} == {
        "adaptability": str(newest.pk), "coaching": str(coaching.pk)}
    # the org admin asks about a member of their organization; others learn nothing
    admin = client_for(world.a.org_admin).get(f"{path}?user={student.pk}").json()
    assert admin["latest"]["assessment_id"] == str(newest.pk) and len(admin["by_pillar"]) == 2
    for user in (world.b.org_admin, world.a.member, world.b.student, world.outsider):
        assert client_for(user).get(f"{path}?user={student.pk}").json() == {"latest": None, "by_pillar": []}
    assert client_for(world.a.member).get(path).json() == {"latest": None, "by_pillar": []}
    assert_error(client_for(student).get(f"{path}?user=nobody"), 400, "invalid", "user")


# --- the organization's trend -----------------------------------------------------------------------------


def test_an_org_admin_reads_the_organizations_adaptability_trend(world: World) -> None:
    completed(world.a.student, individual_score=60, leadership_score=80)
    completed(world.a.member, individual_score=71)
    completed(world.a.member, pillar="coaching", individual_score=10)  # another pillar: left out
    completed(world.b.student, individual_score=5)  # another organization
    path = f"/api/v1/organizations/{world.a.org.pk}/adaptability-trend/"
    for user in (world.a.org_admin, world.platform_admin):
        response = client_for(user).get(path)
        assert response.status_code == 200, response.content
        rows = response.json()["results"]
        assert len(rows) == 1, rows
        assert (rows[0]["assessment_count"], rows[0]["avg_individual_score"], rows[0]["avg_overall_score"]) == (
            2, "65.5", "70.5")
        assert rows[0]["avg_leadership_score"] == "80.0" and rows[0]["avg_velocity_score"] is None
    # members, students, instructors of the organization: 403; the organization hidden: 404
    for user in (world.a.member, world.a.student, world.a.instructor):
        assert_error(client_for(user).get(path), 403, "permission_denied")
    for user in (world.b.org_admin, world.b.student, world.outsider):
        assert_error(client_for(user).get(path), 404)
    admin = client_for(world.a.org_admin)
    assert admin.get(f"{path}?months=1").json()["count"] == 1
    assert_error(admin.get(f"{path}?months=0"), 400, "min_value", "months")
    assert_error(admin.get(f"{path}?months=121"), 400, "max_value", "months")
    b_rows = client_for(world.b.org_admin).get(f"/api/v1/organizations/{world.b.org.pk}/adaptability-trend/")
    assert b_rows.json()["results"][0]["assessment_count"] == 1


def test_the_database_ignores_scores_an_end_user_writes_directly(world: World) -> None:
    """Behind the API: even a direct write under the owner's rights cannot set a score (derive trigger)."""
    assessment = world.a.rows["assessment"]
    with acting_as(world.a.student):
        Assessment.objects.filter(pk=assessment.pk).update(individual_score=100, leadership_score=100)
        row = Assessment.objects.get(pk=assessment.pk)
        assert (row.individual_score, row.leadership_score, row.overall_score) == (4, None, 4)


@pytest.mark.django_db(transaction=True)
def test_concurrent_starts_and_answers_through_the_asgi_server(live_asgi_server: str) -> None:
    """Ten simultaneous starts of one pillar resume one assessment; ten simultaneous answers to one new
    question upsert one row. No 5xx."""
    from concurrent.futures import ThreadPoolExecutor

    import httpx
    from rest_framework_simplejwt.tokens import RefreshToken

    world = build_world()
    user = world.b.member
    headers = {"Authorization": f"Bearer {RefreshToken.for_user(user).access_token}"}

    def post(path: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(f"{live_asgi_server}{path}", json=body, headers=headers, timeout=30)

    with ThreadPoolExecutor(10) as pool:
        starts = list(pool.map(lambda _: post(LIST, {"pillar": "marketplace"}), range(10)))
    assert sorted(r.status_code for r in starts) == [200] * 9 + [201], [r.text for r in starts]
    assert len({r.json()["id"] for r in starts}) == 1
    assert Assessment.objects.filter(user=user, pillar="marketplace").count() == 1
    aid = starts[0].json()["id"]
    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(lambda n: post(f"{LIST}{aid}/responses/", {
            "question_id": "same", "dimension": "velocity", "answer_value": 10 * n}), range(10)))
    assert sorted(r.status_code for r in answers) == [200] * 9 + [201], [r.text for r in answers]
    stored = AssessmentResponse.objects.get(assessment_id=aid, question_id="same")
    assert Assessment.objects.get(pk=aid).velocity_score == stored.answer_value
