-- The follow-up of results: sitting closing, per-candidate outcomes, retakes (补考),
-- escalation cases (约谈), notifications and the persistent jobs that drive them.
-- Times are UTC epoch milliseconds; JSON documents are TEXT on both backends.

ALTER TABLE users ADD COLUMN is_interviewer BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE users ADD COLUMN email TEXT;

-- Set when the sitting's results became final (window end plus grace, no attempt open).
ALTER TABLE sittings ADD COLUMN closed_at BIGINT;

-- An invigilator's voiding of an attempt (its score no longer counts).
ALTER TABLE attempts ADD COLUMN voided_at BIGINT;
ALTER TABLE attempts ADD COLUMN void_reason TEXT;

-- How a closed sitting ended for each assigned candidate: 'passed', 'failed', 'absent'
-- or 'voided'. Rewritten when a regrade changes a result.
CREATE TABLE sitting_results (
    sitting_id  BLOB NOT NULL REFERENCES sittings(id),
    user_id     BLOB NOT NULL REFERENCES users(id),
    exam_id     BLOB NOT NULL REFERENCES exams(id),
    outcome     TEXT NOT NULL,
    decided_at  BIGINT NOT NULL,
    PRIMARY KEY (sitting_id, user_id)
);
CREATE INDEX sitting_results_chain_idx ON sitting_results (exam_id, user_id);

-- Retake assignments. `sitting_id` is NULL while the candidate awaits a retake sitting.
-- state: 'awaiting', 'assigned', 'sat' or 'cancelled'.
CREATE TABLE retakes (
    id                 BLOB PRIMARY KEY NOT NULL,
    exam_id            BLOB NOT NULL REFERENCES exams(id),
    user_id            BLOB NOT NULL REFERENCES users(id),
    round              INTEGER NOT NULL,
    source_sitting_id  BLOB REFERENCES sittings(id),
    case_id            BLOB,
    sitting_id         BLOB REFERENCES sittings(id),
    not_before         BIGINT NOT NULL,
    state              TEXT NOT NULL,
    -- Why the retake paper could not avoid the questions already seen, if it could not.
    warning            TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
-- Never two open retake assignments for one candidate and exam.
CREATE UNIQUE INDEX retakes_open_key ON retakes (exam_id, user_id)
    WHERE state IN ('awaiting', 'assigned');
CREATE INDEX retakes_exam_idx ON retakes (exam_id, state);
CREATE INDEX retakes_sitting_idx ON retakes (sitting_id);

-- Escalation cases: kind 'person' (a candidate who failed the chain) or 'unit' (a unit
-- among the weakest). state: 'open', 'scheduled', 'interviewed', 'closed'.
CREATE TABLE cases (
    id              BLOB PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL,
    exam_id         BLOB NOT NULL REFERENCES exams(id),
    user_id         BLOB REFERENCES users(id),
    unit_id         BLOB NOT NULL REFERENCES units(id),
    interviewer_id  BLOB REFERENCES users(id),
    state           TEXT NOT NULL,
    -- JSON: the computed reasons (failed rounds, or a unit's pass rate and counts).
    reasons         TEXT NOT NULL,
    due_at          BIGINT NOT NULL,
    interview_at    BIGINT,
    place           TEXT,
    notes           TEXT,
    -- 'cleared', 'retraining', 'retest', 'referred' or 'withdrawn'.
    outcome         TEXT,
    opened_at       BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT
);
CREATE UNIQUE INDEX cases_open_person_key ON cases (exam_id, user_id)
    WHERE kind = 'person' AND state <> 'closed';
CREATE UNIQUE INDEX cases_unit_key ON cases (exam_id, unit_id) WHERE kind = 'unit';
CREATE INDEX cases_interviewer_idx ON cases (interviewer_id, state);
CREATE INDEX cases_state_idx ON cases (state, due_at);

CREATE TABLE case_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id      BLOB NOT NULL REFERENCES cases(id),
    at           BIGINT NOT NULL,
    actor_id     BLOB,
    -- The actor's login, or 'system' for the automation.
    actor_login  TEXT NOT NULL,
    action       TEXT NOT NULL,
    detail       TEXT NOT NULL
);
CREATE INDEX case_events_case_idx ON case_events (case_id, id);

-- In-app notifications; the text is rendered in the reader's language from kind+params.
CREATE TABLE notifications (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id),
    kind        TEXT NOT NULL,
    params      TEXT NOT NULL,
    link        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    read_at     BIGINT,
    emailed_at  BIGINT
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at);

-- Persistent background jobs. (kind, job_key) is the idempotency key: enqueueing the same
-- job twice keeps one row. A worker claims a due job by setting a lease
-- (locked_by, locked_until); the job's effects and its completion commit together.
CREATE TABLE jobs (
    id            BLOB PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    job_key       TEXT NOT NULL,
    payload       TEXT NOT NULL,
    run_at        BIGINT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    locked_by     TEXT,
    locked_until  BIGINT,
    last_error    TEXT,
    failed_at     BIGINT,
    done_at       BIGINT,
    created_at    BIGINT NOT NULL
);
CREATE UNIQUE INDEX jobs_key ON jobs (kind, job_key);
CREATE INDEX jobs_due_idx ON jobs (done_at, failed_at, run_at);
