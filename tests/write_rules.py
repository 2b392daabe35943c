"""Who may write what: the ONE place where the write matrix's allowed writes are written down.

tests/integration/test_write_matrix.py tries every column of every contract table as every caller of
tests/integration/write_matrix_values.py and compares what got written with these rules. Keys:

- UPDATE_ALLOWED[(table, caller)]: the keys the caller may write. ``col`` is a column of the caller's
  own row (their organization's row; on ``users`` their own account), ``col@other`` the other
  organization's row, ``col@member`` / ``col@org_admin`` / ``col@platform_admin`` those accounts of
  the caller's organization. ``status=<value>``, ``role=<value>`` and ``payment_status=<value>``
  name one target value each: for lifecycle and privilege columns the rule is which value, not
  just "the column changes" (the world's rows start in one state; see write_matrix_values.py).
- INSERT_ALLOWED[(table, caller)]: ``=`` (a copy of the caller's organization's row, its required
  columns and pointers only) and each foreign-key column the copy may point at the other
  organization's row (or another user).
- KNOWN_HOLES[("update" | "insert", table, caller)]: writes that happen on this branch but that
  the spec does not allow, each with the issue 9 item (1-13) or "new: <why>". The matrix expects
  them until the fix lands; then it fails until the entry is removed here.

A rule's comment names the spec section that allows it. Timestamps such as ``created_at`` are
allowed wherever the caller may update the row: no fragment pins them (see the report of the matrix),
except where a guard does (talent/0005: created_at immutable on engagement_requests and consultations;
course_reviews: the course instructor writes the reply only).
"""

from __future__ import annotations

Key = tuple[str, str]


def _keys(text: str, on: str = "") -> frozenset[str]:
    """``"a b"`` -> {"a", "b"}; ``on="member"`` -> {"a@member", "b@member"}."""
    return frozenset(f"{word}@{on}" if on else word for word in text.split())


def _holes(reason: str, text: str) -> dict[str, str]:
    return dict.fromkeys(text.split(), reason)


ORG_ADMINS = ("a_org_admin", "b_org_admin")
# Every user on their own account: all but the privileged columns (spec 10 users, guard
# guard_users_privileged_columns; users_update_self). E-mail and password are the user's own change
# flows (item 1 keeps them the user's).
_PROFILE = ("avatar_url company_name created_at department full_name job_title language last_login_at metadata "
            "onboarding_completed phone preferences timezone")
_SELF = f"{_PROFILE} email password"
# A platform admin changes every column of every account (users_admin_all; the guard lets them).
_PLATFORM_ON_USER = (f"{_SELF} email_verified is_active is_staff is_superuser organization_id status=inactive "
                     "status=suspended")

UPDATE_ALLOWED: dict[Key, frozenset[str]] = {
    # spec 10 organizations: an org admin edits its organization but not the billing and limit
    # columns (guard_organizations_billing_columns); the primary contact need not be a member.
    **{("organizations", admin): _keys(
        "company_size created_at industry logo_url metadata name primary_contact_id settings slug website")
       for admin in ORG_ADMINS},
    # spec 10: platform admins everything (organizations_admin_all), billing included.
    ("organizations", "platform_admin"): _keys(
        "company_size created_at industry is_active logo_url max_teams max_users metadata name primary_contact_id "
        "settings slug subscription_expires_at subscription_status subscription_tier website"),
    # spec 10 teams: teams_manage_org_admin / teams_admin_all; organization_id is immutable and the
    # parent must be in the same organization (validate_team_hierarchy).
    **{("teams", caller): _keys("created_at description is_active metadata name settings")
       for caller in (*ORG_ADMINS, "platform_admin")},
    # spec 10 users: each user their own profile (users_update_self; the guard freezes the privileged columns).
    **{("users", caller): _keys(_SELF)
       for caller in ("a_student", "a_instructor", "a_expert", "a_member", "a_team_lead", "a_former_lead",
                      "outsider")},
    # spec 10 users guard: an org admin of the account's organization may change role (member, team_lead,
    # org_admin), status, is_active, email_verified, and the profile (users_update_org_admin); never
    # organization_id, is_staff, is_superuser; nothing of a platform admin's account (item 1).
    **{("users", admin): _keys(f"{_SELF} email_verified is_active role=member role=team_lead status=inactive "
                               "status=suspended")
       | _keys(f"{_PROFILE} email_verified is_active role=org_admin role=team_lead status=inactive status=suspended",
               on="member")
       for admin in ORG_ADMINS},
    ("users", "platform_admin"): (
        _keys(f"{_PLATFORM_ON_USER} role=member role=org_admin role=team_lead")
        | _keys(f"{_PLATFORM_ON_USER} role=admin role=org_admin role=team_lead", on="member")
        | _keys(f"{_PLATFORM_ON_USER} role=admin role=member role=team_lead", on="org_admin")
        | _keys(f"{_PLATFORM_ON_USER} role=member role=org_admin role=team_lead", on="platform_admin")
        | _keys(f"{_PLATFORM_ON_USER} role=admin role=org_admin role=team_lead", on="other")),
    # spec 10 team_members: team leads manage their team (team_members_manage_team_lead).
    ("team_members", "a_team_lead"): _keys("joined_at role=team_lead"),
    # spec 10: org admins manage their org's teams' members; the member must belong to the org
    # (validate_team_member_org), so user_id moves only to another member.
    **{("team_members", admin): _keys("joined_at role=team_lead user_id") for admin in ORG_ADMINS},
    # spec 10: platform admins everything (team_members_admin_all); user_id only to a member of the
    # team's org (the world's attempts are another org's user and the admin, who has no org).
    ("team_members", "platform_admin"): _keys("joined_at role=team_lead"),
    # spec 10 user_roles_manage_org_admin: org-scoped grants of org_admin, team_lead, member, client.
    **{("user_roles", admin): _keys("created_at expires_at granted_at metadata role=client role=org_admin "
                                    "role=team_lead")
       for admin in ORG_ADMINS},
    ("user_roles", "platform_admin"): _keys(
        # granted_by is the caller, set by guard_user_roles_grantor (issue 9: the audit trail).
        "created_at expires_at granted_at metadata organization_id user_id role=admin role=client "
        "role=expert role=instructor role=org_admin role=super_admin_courses role=super_admin_full role=team_lead "
        "role=user"),
    # spec 20 instructor_profiles: the owner edits the profile; counters are maintained, is_verified and
    # is_featured are platform admin's, user_id only a platform admin changes.
    ("instructor_profiles", "a_instructor"): _keys(
        "bio certifications cover_photo_url created_at education expertise_tags is_accepting_students metadata "
        "pillars professional_title social_links tagline video_intro_url work_experience"),
    ("instructor_profiles", "platform_admin"): _keys(
        "bio certifications cover_photo_url created_at education expertise_tags is_accepting_students is_featured "
        "is_verified metadata pillars professional_title social_links tagline user_id video_intro_url "
        "work_experience"),
    # spec 20 instructor_settings: instructor_settings_all_own / _all_platform_admin.
    ("instructor_settings", "a_instructor"): _keys(
        "allow_course_reviews allow_student_questions auto_approve_enrollments calendar_provider "
        "calendar_sync_enabled calendar_sync_token created_at currency email_notifications metadata "
        "minimum_payout_amount payment_details payment_method payout_schedule push_notifications "
        "show_email_to_students show_phone_to_students show_revenue_stats show_student_count"),
    ("instructor_settings", "platform_admin"): _keys(
        "allow_course_reviews allow_student_questions auto_approve_enrollments calendar_provider "
        "calendar_sync_enabled calendar_sync_token created_at currency email_notifications metadata "
        "minimum_payout_amount payment_details payment_method payout_schedule push_notifications "
        "show_email_to_students show_phone_to_students show_revenue_stats show_student_count user_id"),
    # spec 20 courses_update_own: the instructor's course, counters maintained (guard_courses_columns),
    # instructor_id pinned, organization_id only to an org of the instructor.
    ("courses", "a_instructor"): _keys(
        "allow_comments allow_qa category certificate_enabled certificate_template_url created_at currency "
        "description drip_content drip_schedule duration_hours estimated_effort language level metadata pillar "
        "prerequisites price_amount published_at slug sort_order status=archived status=draft tags target_audience "
        "thumbnail_url title trailer_url what_you_will_learn"),
    ("courses", "platform_admin"): _keys(
        "allow_comments allow_qa category certificate_enabled certificate_template_url created_at currency "
        "description drip_content drip_schedule duration_hours estimated_effort instructor_id language level "
        "metadata organization_id pillar prerequisites price_amount published_at slug sort_order status=archived "
        "status=draft tags target_audience thumbnail_url title trailer_url what_you_will_learn"),
    # spec 20 course_sections_all_instructor: the course's instructor, within their courses.
    ("course_sections", "a_instructor"): _keys("created_at description duration_minutes metadata sort_order title"),
    ("course_sections", "platform_admin"): _keys(
        "course_id created_at description duration_minutes metadata sort_order title"),
    # spec 20 course_lessons_all_instructor.
    ("course_lessons", "a_instructor"): _keys(
        "article_content content_type created_at description duration_minutes is_preview metadata "
        "quiz_passing_score quiz_questions resource_url sort_order title video_duration_seconds video_url"),
    ("course_lessons", "platform_admin"): _keys(
        "article_content content_type created_at description duration_minutes is_preview metadata "
        "quiz_passing_score quiz_questions resource_url section_id sort_order title video_duration_seconds "
        "video_url"),
    # spec 20 enrollments_update_own: "a student can drop, touch last_accessed_at, and re-join"; never
    # completed (the roll-up moves enrolled -> in_progress, the policy allows it too).
    ("enrollments", "a_student"): _keys("created_at last_accessed_at metadata status=dropped status=in_progress"),
    # spec 20 enrollments_update_instructor: "drop a student, mark a live course completed, issue
    # certificate_url"; user_id and course_id immutable, progress maintained.
    ("enrollments", "a_instructor"): _keys(
        "certificate_url completed_at created_at enrolled_at expires_at last_accessed_at metadata status=completed "
        "status=dropped status=in_progress"),
    # organization_id only to NULL or an organization of the learner, for every request caller (issue 9
    # item 6, guard_enrollments_columns: enrollment_outside_organization): the world's attempt is the other
    # organization, which the learner is not in.
    ("enrollments", "platform_admin"): _keys(
        "certificate_url completed_at created_at enrolled_at expires_at last_accessed_at metadata status=completed "
        "status=dropped status=in_progress"),
    # spec 20 student_progress_update_own; a quiz lesson is completed only after a passed attempt
    # (guard_student_progress_columns): the world's quiz lesson has the student's passed attempt.
    ("student_progress", "a_student"): _keys(
        "completion_percentage created_at is_completed last_accessed_at last_position_seconds metadata "
        "time_spent_seconds"),
    # spec 20: "trusted for owner and admin writes" (the lesson need not be of the course).
    ("student_progress", "platform_admin"): _keys(
        "completion_percentage created_at is_completed last_accessed_at last_position_seconds lesson_id metadata "
        "time_spent_seconds"),
    # spec 20 course_reviews guard: the author the ratings and text, the instructor the reply only.
    ("course_reviews", "a_student"): _keys(
        "content_quality_rating created_at instructor_rating metadata rating review_text title value_rating"),
    ("course_reviews", "a_instructor"): _keys("instructor_response"),
    ("course_reviews", "platform_admin"): _keys(
        "content_quality_rating created_at instructor_rating instructor_response is_published metadata rating "
        "review_text title value_rating"),
    # spec 20 quiz_attempts: no UPDATE policy but the platform admin's; an attempt is graded by the server
    # (issue 9 item 9, guard_quiz_attempts_columns): the grade is kept, the answers and what they were given
    # for are refused for every request caller (quiz_attempt_graded).
    ("quiz_attempts", "platform_admin"): _keys("created_at metadata time_spent_seconds"),
    # spec 20 assignment_submissions_update_own: the work (submitter's columns) and status among draft,
    # submitted, resubmitted.
    ("assignment_submissions", "a_student"): _keys(
        "attachments created_at metadata status=draft status=resubmitted submission_text submission_url"),
    # spec 20 assignment_submissions_update_instructor: feedback and grade, any status but draft.
    ("assignment_submissions", "a_instructor"): _keys(
        "created_at feedback grade metadata status=resubmitted status=returned status=under_review"),
    # user_id, course_id, lesson_id immutable for every request caller and submitted_at set by the server
    # (instructors/0007_v2_submission_rules: the UPDATE policies do not re-check the INSERT policy's rules).
    ("assignment_submissions", "platform_admin"): _keys(
        "attachments created_at feedback grade metadata status=draft status=resubmitted status=returned "
        "status=under_review submission_text submission_url"),
    # spec 50 workshops_instructor_update: the instructor's workshop; counters derived, total_revenue
    # maintained, instructor_id pinned, organization_id only to an org of the instructor (workshops/0005),
    # is_featured a platform admin's like instructor_profiles.is_featured (workshops/0007).
    ("workshops", "a_instructor"): _keys(
        "capacity_total certificate_enabled certificate_template_url created_at currency description "
        "duration_minutes end_time format level location materials_url meeting_url metadata outcomes "
        "pillar prerequisites price_amount recording_url slug start_time status=cancelled status=completed "
        "status=draft status=in_progress syllabus tags thumbnail_url timezone title video_url waitlist_enabled"),
    ("workshops", "platform_admin"): _keys(
        "capacity_total certificate_enabled certificate_template_url created_at currency description "
        "duration_minutes end_time format instructor_id is_featured level location materials_url meeting_url "
        "metadata organization_id outcomes pillar prerequisites price_amount recording_url slug start_time "
        "status=cancelled status=completed status=draft status=in_progress syllabus tags thumbnail_url timezone "
        "title video_url waitlist_enabled"),
    # spec 50 §6.2 step 2: a registrant acting alone changes status (here: attended, no move allowed) and
    # metadata; every other column is set back.
    ("workshop_registrations", "a_student"): _keys("metadata"),
    # spec 50 registrations_instructor_update + §6.2: the instructor marks attendance and status; the price
    # and payment state are the payment path's and platform admins' (workshops/0007); certificate_id only
    # the registrant's certificate for this workshop (the matrix tries another organization's).
    ("workshop_registrations", "a_instructor"): _keys(
        "attendance_duration_minutes attendance_percentage completed_at metadata registered_at "
        "status=cancelled status=no_show status=registered"),
    # registrations_platform_admin_all: price and payment state too; organization_id only to an org of the
    # registrant (workshops/0005), payment_id and certificate_id only the registrant's for this workshop
    # (workshops/0007): the matrix's values are another organization's.
    ("workshop_registrations", "platform_admin"): _keys(
        "attendance_duration_minutes attendance_percentage completed_at metadata payment_status=completed "
        "payment_status=failed payment_status=pending payment_status=refunded price_paid registered_at "
        "status=cancelled status=no_show status=registered"),
    # spec 50 feedback_own_update: the attendee edits the survey; ids derived and immutable.
    **{("workshop_feedback", caller): _keys(
        "content_rating delivery_rating interaction_rating metadata nps_score overall_satisfaction "
        "what_could_improve what_went_well would_recommend") for caller in ("a_student", "platform_admin")},
    # spec 50 assessments_own_update: the user's open assessment; scores derived from the responses
    # (§6.10), overall_score generated.
    ("assessments", "a_student"): _keys(
        "assessment_type created_at metadata pillar recommendations results status=archived status=completed "
        "status=not_started"),
    # spec 50 §6.10: staff may write a dimension that has no scored response.
    # organization_id only to one of the user's organizations (issue 9 item 6, user_outside_organization).
    ("assessments", "platform_admin"): _keys(
        "assessment_type created_at cultural_score embedding_score leadership_score metadata pillar "
        "recommendations results started_at status=archived status=completed status=not_started velocity_score"),
    # spec 50 responses_own_update: the user's answers while the assessment is open.
    **{("assessment_responses", caller): _keys(
        "ai_analysis ai_confidence_score ai_sentiment_score ai_transcription answer_type answer_value answered_at "
        "created_at dimension metadata question_id question_number question_text question_weight "
        "response_audio_url response_duration_seconds response_text skipped") for caller in ("a_student",
                                                                                            "platform_admin")},
    # spec 60 talent_profiles: the expert's own profile; rating, review_count, total_sessions maintained.
    ("talent_profiles", "a_expert"): _keys(
        "accepting_clients availability avatar_url behavior_change_score bio booking_advance_days buffer_minutes "
        "certifications client_retention_rate clients_transformed coaching_style created_at cultures_transformed "
        "currency employees_reframed expertise hourly_rate industries is_public languages location "
        "max_hours_per_week metadata min_engagement_hours pillars session_duration_minutes tagline testimonials "
        "timezone title transformation_success_rate video_intro_url weekly_availability years_experience"),
    ("talent_profiles", "platform_admin"): _keys(
        "accepting_clients availability avatar_url behavior_change_score bio booking_advance_days buffer_minutes "
        "certifications client_retention_rate clients_transformed coaching_style created_at cultures_transformed "
        "currency employees_reframed expertise hourly_rate industries is_public languages location "
        "max_hours_per_week metadata min_engagement_hours pillars session_duration_minutes tagline testimonials "
        "timezone title transformation_success_rate user_id video_intro_url weekly_availability "
        "years_experience"),
    # spec 60 engagement_requests API column rules: the client edits title, description, focus_area,
    # initial_message, timeline and may cancel (rating: once completed, which the world's are not); the
    # hours requested while pending (issue 9 item 5: "prices are pinned once accepted"; spec 60 hours_total
    # "hours requested, and purchased once paid"). talent/0005 for every request caller, platform admins
    # included: created_at, client_id, expert_id immutable; responded_at, completed_at automatic; hourly_rate
    # and currency never API-writable; status=active / payment_failed only by the payment path; ratings only
    # the client's (item 4); organization_id only one of the client's (item 6).
    ("engagement_requests", "a_student"): _keys(
        "description focus_area hours_total initial_message metadata status=cancelled timeline title"),
    # spec 60: the expert accepts or declines, pauses or resumes, completes (active -> completed), edits
    # deliverables, milestones, outcomes and the dates; hours_total is an expert amendment after payment.
    ("engagement_requests", "a_expert"): _keys(
        "deliverables end_date estimated_completion_date hours_total metadata milestones outcomes start_date "
        "status=accepted status=cancelled status=completed status=declined status=paused"),
    ("engagement_requests", "platform_admin"): _keys(
        "deliverables description end_date estimated_completion_date focus_area hours_total initial_message metadata "
        "milestones outcomes start_date status=accepted status=cancelled status=completed status=declined "
        "status=paused timeline title"),
    # spec 60 consultations API column rules: the client cancels and edits description, topics and
    # title while requested (rating: once completed, which the world's are not). talent/0005 as above:
    # created_at and the parties immutable, amount and currency never API-writable, ratings the client's;
    # pillar and session_type are chosen at booking, afterwards a platform admin's only (talent/0007).
    ("consultations", "a_student"): _keys("description metadata status=cancelled title topics"),
    # spec 60: the expert schedules (requested -> scheduled), completes (scheduled -> completed) or cancels,
    # sets the actual times, duration_minutes, meeting_url, meeting_notes, action_items and expert_notes.
    ("consultations", "a_expert"): _keys(
        "action_items actual_end actual_start duration_minutes expert_notes meeting_notes meeting_url metadata "
        "scheduled_end scheduled_start status=cancelled status=completed status=scheduled"),
    ("consultations", "platform_admin"): _keys(
        "action_items actual_end actual_start description duration_minutes expert_notes meeting_notes meeting_url "
        "metadata pillar scheduled_end scheduled_start session_type status=cancelled status=completed "
        "status=scheduled title topics"),
    # spec 60 payments: users get no UPDATE; platform admins within validate_payment_change (amounts,
    # parties and targets immutable, transitions from pending; refunded_at the refund rule's, payments/0007).
    # organization_id only to one the payer belongs to (issue 9 item 6, organization_not_member).
    ("payments", "platform_admin"): _keys(
        "created_at invoice_number invoice_url metadata payment_method processed_at provider_customer_id "
        "provider_status refund_reason status=completed status=failed"),
    # spec 60 certificates: platform admins; certificate_number immutable (generate_certificate_number),
    # holder and source only to a completed source (payments/0007: certificate_source_not_completed).
    ("certificates", "platform_admin"): _keys(
        "badge_url certificate_url competencies created_at description expiry_date is_verified issue_date "
        "issued_by issuer_name issuer_title metadata skills_demonstrated title verification_url"),
    # spec 40 notifications: UPDATE is granted on read_at only, to the recipient and platform admins.
    **{("notifications", caller): _keys("read_at") for caller in ("a_instructor", "platform_admin")},
    # spec 40 student_presence: UPDATE granted on status, last_seen_at, metadata, connection_count.
    **{("student_presence", caller): _keys("connection_count last_seen_at metadata status=away status=offline")
       for caller in ("a_student", "platform_admin")},
}

INSERT_ALLOWED: dict[Key, frozenset[str]] = {
    # spec 10: only platform admins create organizations; the primary contact need not be a member.
    ("organizations", "platform_admin"): _keys("= primary_contact_id"),
    # spec 10 teams_manage_org_admin (own org only) / teams_admin_all.
    **{("teams", admin): _keys("=") for admin in ORG_ADMINS},
    ("teams", "platform_admin"): _keys("= organization_id"),
    # spec 10 users_insert_org_admin: a new account in the admin's organization.
    **{("users", admin): _keys("=") for admin in ORG_ADMINS},
    ("users", "platform_admin"): _keys("= organization_id"),
    # spec 10 team_members: team leads and org admins add members of the team's organization.
    **{("team_members", caller): _keys("=") for caller in ("a_team_lead", *ORG_ADMINS, "platform_admin")},
    # spec 10 user_roles_manage_org_admin: org-scoped grants to the org's users.
    **{("user_roles", admin): _keys("=") for admin in ORG_ADMINS},
    ("user_roles", "platform_admin"): _keys("= organization_id user_id"),
    # spec 20 instructor_profiles_insert_own, instructor_settings_all_own: one's own row.
    **{(table, caller): _keys("=") for table in ("instructor_profiles", "instructor_settings")
       for caller in ("a_instructor", "platform_admin")},
    # spec 20 courses_insert_own: own course, in an org of the instructor.
    ("courses", "a_instructor"): _keys("="),
    ("courses", "platform_admin"): _keys("= instructor_id organization_id"),
    # spec 20 course_sections/course_lessons _all_instructor: within the instructor's courses.
    ("course_sections", "a_instructor"): _keys("="),
    ("course_sections", "platform_admin"): _keys("= course_id"),
    ("course_lessons", "a_instructor"): _keys("="),
    ("course_lessons", "platform_admin"): _keys("= section_id"),
    # spec 20 enrollments_insert_own: self-enrollment in any free published course (the other org's too).
    ("enrollments", "a_student"): _keys("= course_id"),
    # the organization is one of the learner's (item 6): not the other organization, nor its user in this one
    ("enrollments", "platform_admin"): _keys("= course_id"),
    # spec 20 student_progress_insert_own (the composite key ties it to the enrollment).
    ("student_progress", "a_student"): _keys("="),
    ("student_progress", "platform_admin"): _keys("= lesson_id"),
    ("course_reviews", "platform_admin"): _keys("="),  # the student's enrollment is not completed
    # spec 20 quiz_attempts_insert_own: the student's attempt at a lesson of a course they are enrolled in,
    # graded by the server from its answers (issue 9 item 9, guard_quiz_attempts_columns).
    ("quiz_attempts", "a_student"): _keys("="),
    ("quiz_attempts", "platform_admin"): _keys("= course_id lesson_id user_id"),
    # spec 20 assignment_submissions_insert_own: enrolled, ungraded.
    ("assignment_submissions", "a_student"): _keys("="),
    ("assignment_submissions", "platform_admin"): _keys("= course_id lesson_id user_id"),
    # spec 50 workshops_instructor_insert.
    ("workshops", "a_instructor"): _keys("="),
    ("workshops", "platform_admin"): _keys("= instructor_id organization_id"),
    # spec 50 registrations_own_insert: any open workshop.
    ("workshop_registrations", "a_student"): _keys("= workshop_id"),
    # registrations_platform_admin_all: organization_id only an org of the registrant (so not another
    # organization's user in the copy's org), payment_id and certificate_id only the registrant's.
    ("workshop_registrations", "platform_admin"): _keys("= workshop_id"),
    # spec 50 feedback_own_insert (workshop_id and user_id derived from the registration).
    **{("workshop_feedback", caller): _keys("=") for caller in ("a_student", "platform_admin")},
    # spec 50 assessments_own_insert / responses_own_insert.
    ("assessments", "a_student"): _keys("="),
    ("assessments", "platform_admin"): _keys("="),  # the organization is one of the user's (item 6)
    ("assessment_responses", "a_student"): _keys("="),
    ("assessment_responses", "platform_admin"): _keys("= assessment_id"),
    # spec 60 "Experts can create their own profile" (with the expert role).
    **{("talent_profiles", caller): _keys("=") for caller in ("a_expert", "platform_admin")},
    # spec 60 "Clients can create engagement requests": to any public expert accepting clients.
    ("engagement_requests", "a_student"): _keys("= expert_id"),
    # the organization is one of the client's (item 6): not the other one, nor its user in this one
    ("engagement_requests", "platform_admin"): _keys("= expert_id payment_id"),
    # spec 60 "Users can book consultations" (any public expert) and "Engagement parties can schedule
    # sessions" (the parties of an active engagement).
    ("consultations", "a_student"): _keys("= expert_id"),
    ("consultations", "a_expert"): _keys("="),
    ("consultations", "platform_admin"): _keys("= expert_id payment_id"),  # organization: as above
    # spec 60 "Users can create pending payments": for any course.
    ("payments", "a_student"): _keys("= course_id"),
    ("payments", "platform_admin"): _keys("= course_id"),  # the organization is one of the payer's (item 6)
    # spec 60 "Instructors can issue certificates" / admins: only for a completed source (issue 9 item 9,
    # generate_certificate_number: certificate_source_not_completed), so not for the other organization's
    # user or course; the issuer may be any user for a platform admin.
    ("certificates", "a_instructor"): _keys("="),
    ("certificates", "platform_admin"): _keys("= issued_by"),
    # spec 40 notifications_insert_own / notifications_admin_all.
    ("notifications", "a_instructor"): _keys("="),
    ("notifications", "platform_admin"): _keys("= user_id"),
    # spec 40 presence_insert_own: a target the user may be present in.
    ("student_presence", "a_student"): _keys("="),
    ("student_presence", "platform_admin"): _keys("= course_id user_id"),
}

# --------------------------------------------------------------------------------------------------
# Written on this branch, not allowed by the spec: issue 9's holes and the ones the matrix found.
# Remove an entry when its fix lands (the matrix then says "known hole no longer written").
# --------------------------------------------------------------------------------------------------
KNOWN_HOLES: dict[tuple[str, str, str], dict[str, str]] = {}
