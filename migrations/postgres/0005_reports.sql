-- Report aggregates: one row per candidate and exam, kept current by the job runner from
-- the (exam, candidate) pairs that triggers mark stale whenever something a report shows
-- changes. Reports read these rows instead of scanning attempts.

CREATE TABLE report_stale (
    exam_id  UUID NOT NULL,
    user_id  UUID NOT NULL,
    PRIMARY KEY (exam_id, user_id)
);

CREATE TABLE report_candidates (
    exam_id           UUID NOT NULL REFERENCES exams(id),
    user_id           UUID NOT NULL REFERENCES users(id),
    unit_id           UUID NOT NULL REFERENCES units(id),
    -- Start of the candidate's earliest first sitting: what date-range filters use.
    exam_date         BIGINT NOT NULL,
    started           BOOLEAN NOT NULL,
    submitted         BOOLEAN NOT NULL,
    decided           BOOLEAN NOT NULL,
    absent            BOOLEAN NOT NULL,
    passed_first      BOOLEAN NOT NULL,
    passed_any        BOOLEAN NOT NULL,
    -- Best valid first-round score and full marks, in hundredths.
    score             INTEGER,
    max_points        INTEGER NOT NULL,
    time_used_secs    BIGINT,
    retake_rounds     INTEGER NOT NULL,
    open_retake       BOOLEAN NOT NULL,
    open_case         BOOLEAN NOT NULL,
    integrity_events  INTEGER NOT NULL,
    refreshed_at      BIGINT NOT NULL,
    PRIMARY KEY (exam_id, user_id)
);
CREATE INDEX report_candidates_user_idx ON report_candidates (user_id);
CREATE INDEX report_candidates_unit_idx ON report_candidates (unit_id, exam_date);
CREATE INDEX report_candidates_date_idx ON report_candidates (exam_date);
-- "Figures as of" on every unit report is the latest refresh.
CREATE INDEX report_candidates_refreshed_idx ON report_candidates (refreshed_at);

-- Item analysis of an exam, computed by the job runner (JSON), at most so often.
CREATE TABLE report_items (
    exam_id      UUID PRIMARY KEY NOT NULL REFERENCES exams(id),
    body         TEXT,
    computed_at  BIGINT,
    stale_since  BIGINT
);

-- One function for every table: each branch reads only the columns its table has.
CREATE FUNCTION report_mark_stale() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_TABLE_NAME = 'attempt_events' THEN
        INSERT INTO report_stale (exam_id, user_id)
            SELECT exam_id, user_id FROM attempts WHERE id = r.attempt_id
            ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'assignments' THEN
        INSERT INTO report_stale (exam_id, user_id)
            SELECT exam_id, r.user_id FROM sittings WHERE id = r.sitting_id
            ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'sittings' THEN
        INSERT INTO report_stale (exam_id, user_id)
            SELECT r.exam_id, user_id FROM assignments WHERE sitting_id = r.id
            ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'users' THEN
        INSERT INTO report_stale (exam_id, user_id)
            SELECT exam_id, user_id FROM report_candidates WHERE user_id = r.id
            ON CONFLICT DO NOTHING;
    ELSIF TG_TABLE_NAME = 'cases' THEN
        IF r.user_id IS NOT NULL THEN
            INSERT INTO report_stale (exam_id, user_id) VALUES (r.exam_id, r.user_id)
                ON CONFLICT DO NOTHING;
        END IF;
    ELSE
        INSERT INTO report_stale (exam_id, user_id) VALUES (r.exam_id, r.user_id)
            ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER report_attempt_started AFTER INSERT ON attempts
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_attempt_changed
    AFTER UPDATE OF status, score, passed, voided_at, submitted_at ON attempts
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_event_recorded AFTER INSERT ON attempt_events
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_assigned AFTER INSERT OR DELETE ON assignments
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
-- Deleting a sitting cascades to its assignments after the sitting is gone, so its
-- candidates are marked before.
CREATE TRIGGER report_sitting_deleted BEFORE DELETE ON sittings
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_sitting_changed AFTER UPDATE OF window_start, is_retake ON sittings
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_result_written AFTER INSERT OR UPDATE OR DELETE ON sitting_results
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_retake_written AFTER INSERT OR UPDATE OF state, sitting_id ON retakes
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_case_written AFTER INSERT OR UPDATE OF state ON cases
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();
CREATE TRIGGER report_user_moved AFTER UPDATE OF unit_id ON users
    FOR EACH ROW EXECUTE FUNCTION report_mark_stale();

-- Everything that exists already is stale once.
INSERT INTO report_stale (exam_id, user_id)
    SELECT DISTINCT s.exam_id, a.user_id FROM assignments a JOIN sittings s ON s.id = a.sitting_id
    ON CONFLICT DO NOTHING;
