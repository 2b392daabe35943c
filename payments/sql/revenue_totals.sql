-- Item revenue totals and the instructor revenue breakdown (spec 30 §1 and §2.8; conventions §6).
-- Written by the instructors helper, owned by the payments app; loaded by payments/0004_revenue_totals.
--
-- revenue_transactions rows come only from record_payment_revenue() (payments/0003_logic): one sale row per
-- completed payment and one signed (negative) refund row per increase of the refunded amount. Every total
-- here is therefore a plain SUM(amount), net of refunds.

-- §2.8 revenue_transactions AFTER INSERT / DELETE / UPDATE OF payment_status, amount, course_id,
-- workshop_id: courses.total_revenue and workshops.total_revenue by atomic deltas (pattern A). A row
-- contributes its amount while its payment_status is 'completed', 0 otherwise. When the item id changed,
-- the old item loses the old contribution and the new item gains the new one (ascending id order).
-- GREATEST(0, ...) only keeps a drifted counter from aborting a payment; rebuild_instructor_counters()
-- repairs drift. SECURITY DEFINER: its writes are system context, so guard_courses_columns and
-- guard_workshops_columns let them through.
CREATE FUNCTION public.update_item_revenue()
RETURNS trigger
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE
    v_old_amount numeric(12,2) := 0;
    v_new_amount numeric(12,2) := 0;
    v_old_course uuid;
    v_new_course uuid;
    v_old_workshop uuid;
    v_new_workshop uuid;
    v_item uuid;
    v_delta numeric(12,2);
BEGIN
    IF TG_OP <> 'INSERT' THEN
        v_old_course := OLD.course_id;
        v_old_workshop := OLD.workshop_id;
        IF OLD.payment_status = 'completed' THEN
            v_old_amount := OLD.amount;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        v_new_course := NEW.course_id;
        v_new_workshop := NEW.workshop_id;
        IF NEW.payment_status = 'completed' THEN
            v_new_amount := NEW.amount;
        END IF;
    END IF;

    -- courses
    FOR v_item, v_delta IN
        SELECT d.item, sum(d.delta)
        FROM (VALUES (v_old_course, -v_old_amount), (v_new_course, v_new_amount)) AS d(item, delta)
        WHERE d.item IS NOT NULL
        GROUP BY d.item
        HAVING sum(d.delta) <> 0
        ORDER BY d.item
    LOOP
        UPDATE public.courses c
        SET total_revenue = GREATEST(0, c.total_revenue + v_delta)
        WHERE c.id = v_item;
    END LOOP;

    -- workshops
    FOR v_item, v_delta IN
        SELECT d.item, sum(d.delta)
        FROM (VALUES (v_old_workshop, -v_old_amount), (v_new_workshop, v_new_amount)) AS d(item, delta)
        WHERE d.item IS NOT NULL
        GROUP BY d.item
        HAVING sum(d.delta) <> 0
        ORDER BY d.item
    LOOP
        UPDATE public.workshops w
        SET total_revenue = GREATEST(0, w.total_revenue + v_delta)
        WHERE w.id = v_item;
    END LOOP;
    RETURN NULL;
END;
$$;

-- §1 the instructor's completed revenue rows grouped by transaction_type, in enum order; both date bounds
-- inclusive and skipped when NULL; start > end gives no rows. The refund group sums are negative, so the
-- groups add up to the net. Caller check of spec 30 §0.4 (the instructors app's assert_instructor_access).
CREATE FUNCTION public.get_instructor_revenue_breakdown(
    p_instructor_id uuid,
    p_start_date timestamptz DEFAULT NULL,
    p_end_date timestamptz DEFAULT NULL
)
RETURNS TABLE (
    transaction_type public.transaction_type,
    transaction_count integer,
    total_amount numeric,
    total_fees numeric,
    total_earnings numeric
)
LANGUAGE plpgsql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp
AS $$
BEGIN
    PERFORM public.assert_instructor_access(p_instructor_id);
    RETURN QUERY
    SELECT rt.transaction_type,
           count(*)::integer,
           sum(rt.amount)::numeric(12,2),
           sum(rt.platform_fee_amount)::numeric(12,2),
           sum(rt.instructor_earnings)::numeric(12,2)
    FROM public.revenue_transactions rt
    WHERE rt.instructor_id = p_instructor_id
      AND rt.payment_status = 'completed'
      AND (p_start_date IS NULL OR rt.transaction_date >= p_start_date)
      AND (p_end_date IS NULL OR rt.transaction_date <= p_end_date)
    GROUP BY rt.transaction_type
    ORDER BY rt.transaction_type;
END;
$$;

REVOKE EXECUTE ON FUNCTION public.update_item_revenue() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION public.get_instructor_revenue_breakdown(uuid, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.get_instructor_revenue_breakdown(uuid, timestamptz, timestamptz) TO humanglue_app;

CREATE TRIGGER update_item_revenue_trigger
    AFTER INSERT OR DELETE OR UPDATE OF payment_status, amount, course_id, workshop_id
    ON public.revenue_transactions
    FOR EACH ROW EXECUTE FUNCTION public.update_item_revenue();
