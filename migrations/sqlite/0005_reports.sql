-- Report aggregates: one row per candidate and exam, kept current by the job runner from
-- the (exam, candidate) pairs that triggers mark stale whenever something a report shows
-- changes. Reports read these rows instead of scanning attempts.

CREATE TABLE report_stale (
    exam_id  BLOB NOT NULL,
    user_id  BLOB NOT NULL,
    PRIMARY KEY (exam_id, user_id)
);

CREATE TABLE report_candidates (
    exam_id           BLOB NOT NULL REFERENCES exams(id),
    user_id           BLOB NOT NULL REFERENCES users(id),
    unit_id           BLOB NOT NULL REFERENCES units(id),
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
    exam_id      BLOB PRIMARY KEY NOT NULL REFERENCES exams(id),
    body         TEXT,
    computed_at  BIGINT,
    stale_since  BIGINT
);

CREATE TRIGGER report_attempt_started AFTER INSERT ON attempts BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_attempt_changed
AFTER UPDATE OF status, score, passed, voided_at, submitted_at ON attempts BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_event_recorded AFTER INSERT ON attempt_events BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT exam_id, user_id FROM attempts WHERE id = NEW.attempt_id;
END;
CREATE TRIGGER report_assigned AFTER INSERT ON assignments BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT exam_id, NEW.user_id FROM sittings WHERE id = NEW.sitting_id;
END;
CREATE TRIGGER report_unassigned AFTER DELETE ON assignments BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT exam_id, OLD.user_id FROM sittings WHERE id = OLD.sitting_id;
END;
-- Deleting a sitting cascades to its assignments after the sitting is gone, so its
-- candidates are marked before.
CREATE TRIGGER report_sitting_deleted BEFORE DELETE ON sittings BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT OLD.exam_id, user_id FROM assignments WHERE sitting_id = OLD.id;
END;
CREATE TRIGGER report_sitting_changed AFTER UPDATE OF window_start, is_retake ON sittings BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT NEW.exam_id, user_id FROM assignments WHERE sitting_id = NEW.id;
END;
CREATE TRIGGER report_result_written AFTER INSERT ON sitting_results BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_result_changed AFTER UPDATE ON sitting_results BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_result_removed AFTER DELETE ON sitting_results BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (OLD.exam_id, OLD.user_id);
END;
CREATE TRIGGER report_retake_created AFTER INSERT ON retakes BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_retake_changed AFTER UPDATE OF state, sitting_id ON retakes BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_case_opened AFTER INSERT ON cases WHEN NEW.user_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_case_changed AFTER UPDATE OF state ON cases WHEN NEW.user_id IS NOT NULL BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id) VALUES (NEW.exam_id, NEW.user_id);
END;
CREATE TRIGGER report_user_moved AFTER UPDATE OF unit_id ON users BEGIN
    INSERT OR IGNORE INTO report_stale (exam_id, user_id)
        SELECT exam_id, user_id FROM report_candidates WHERE user_id = NEW.id;
END;

-- Everything that exists already is stale once.
INSERT OR IGNORE INTO report_stale (exam_id, user_id)
    SELECT DISTINCT s.exam_id, a.user_id FROM assignments a JOIN sittings s ON s.id = a.sitting_id;
