"""The assessments' slice of the seed: assessments and their responses.

Demo: Alice's full adaptability assessment answered question by question and completed, her earlier
quick one (imported scores, archived), Chloe's coaching assessment in progress, Tom's follow-up not
started and Diego's completed quick one.
Scale: none (the benchmark loads no assessments).
"""

from __future__ import annotations

from assessments.models import Assessment, AssessmentResponse
from humanglue.seeding import DemoContext, ScaleContext


def seed_demo(ctx: DemoContext) -> None:
    ctx.say("assessments")
    u = ctx.users
    # Alice: a full adaptability assessment answered question by question, then completed.
    assessment, created = ctx.row(Assessment, "assessment:alice:full", user=u["alice"], pillar="adaptability",
                                  assessment_type="full")
    if created:
        answers = [("individual", 78), ("leadership", 64), ("cultural", 71), ("embedding", 58), ("velocity", 69)]
        for number, (dimension, value) in enumerate(answers, start=1):
            ctx.row(AssessmentResponse, f"response:alice:full:{dimension}",
                    natural={"assessment": assessment, "question_id": f"{dimension}-1"}, question_number=number,
                    question_text=f"How ready are you on {dimension}?", dimension=dimension,
                    answer_type="scale", answer_value=value, question_weight=2 if number == 1 else 1)
        ctx.row(AssessmentResponse, "response:alice:full:reflection",
                natural={"assessment": assessment, "question_id": "reflection"}, question_number=6,
                answer_type="text", response_text="I want my team to try small experiments every sprint.")
        Assessment.objects.filter(pk=assessment.pk).update(
            status="completed", results={"ai_insights": "Strong individual readiness; embed habits next."},
            recommendations=["Run a weekly retrospective", "Pair new habits with existing rituals"],
        )
    # Alice: an earlier quick assessment imported with its scores, since archived.
    ctx.row(Assessment, "assessment:alice:quick", user=u["alice"], pillar="adaptability",
            assessment_type="quick", status="archived", individual_score=60, leadership_score=55,
            cultural_score=62, embedding_score=48, velocity_score=57)
    # Chloe: a coaching assessment in progress.
    assessment, created = ctx.row(Assessment, "assessment:chloe:coaching", user=u["chloe"], pillar="coaching",
                                  assessment_type="full")
    if created:
        for number, (dimension, value) in enumerate((("individual", 70), ("leadership", 75)), start=1):
            ctx.row(AssessmentResponse, f"response:chloe:coaching:{dimension}",
                    natural={"assessment": assessment, "question_id": f"{dimension}-1"}, question_number=number,
                    dimension=dimension, answer_type="fearToConfidence", answer_value=value)
    # Tom: a marketplace follow-up not started yet; Diego: a completed quick assessment (imported scores).
    ctx.row(Assessment, "assessment:tom:followup", user=u["acme_lead"], pillar="marketplace",
            assessment_type="follow_up")
    ctx.row(Assessment, "assessment:diego:quick", user=u["diego"], pillar="adaptability",
            assessment_type="quick", status="completed", individual_score=66, leadership_score=52,
            cultural_score=74, embedding_score=61, velocity_score=70)


def seed_scale(ctx: ScaleContext) -> None:
    """The benchmark loads no assessments."""
