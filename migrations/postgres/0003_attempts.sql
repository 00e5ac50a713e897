-- Timed attempts, their answers, integrity events and regrades.
-- Times are UTC epoch milliseconds; JSON documents are TEXT on both backends.

CREATE TABLE attempts (
    id              UUID PRIMARY KEY NOT NULL,
    sitting_id      UUID NOT NULL REFERENCES sittings(id),
    user_id         UUID NOT NULL REFERENCES users(id),
    exam_id         UUID NOT NULL REFERENCES exams(id),
    -- 'open' or 'submitted'.
    status          TEXT NOT NULL,
    started_at      BIGINT NOT NULL,
    deadline        BIGINT NOT NULL,
    -- The paper as the candidate sees it (no key), its drawn items (versions and option
    -- orders, for grading) and each item's shape (for checking saves without the key).
    content         TEXT NOT NULL,
    paper           TEXT NOT NULL,
    shapes          TEXT NOT NULL,
    -- Hash of the browser session that holds the attempt; NULL after an invigilator's
    -- unlock, and the next session to open the attempt takes it.
    session_hash    TEXT,
    current_pos     INTEGER NOT NULL DEFAULT 0,
    last_save_at    BIGINT,
    submitted_at    BIGINT,
    -- 'candidate', 'deadline' or 'invigilator'.
    submit_reason   TEXT,
    max_score       INTEGER NOT NULL,
    score           INTEGER,
    threshold       INTEGER,
    passed          BOOLEAN,
    -- Points per item in paper order (JSON array of hundredths).
    item_points     TEXT,
    rules_version   INTEGER,
    regrade_count   INTEGER NOT NULL DEFAULT 0,
    graded_at       BIGINT
);
-- One attempt per candidate per sitting: starting is idempotent by this key.
CREATE UNIQUE INDEX attempts_candidate_key ON attempts (sitting_id, user_id);
CREATE INDEX attempts_due_idx ON attempts (status, deadline);
CREATE INDEX attempts_user_idx ON attempts (user_id, started_at);

CREATE TABLE attempt_answers (
    attempt_id  UUID NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    -- JSON response in the candidate's option order; NULL when cleared.
    response    TEXT,
    flagged     BOOLEAN NOT NULL DEFAULT FALSE,
    -- The client's per-question sequence number: a save with a lower or equal number
    -- never replaces this row.
    seq         BIGINT NOT NULL,
    saved_at    BIGINT NOT NULL,
    PRIMARY KEY (attempt_id, position)
);

-- Advisory integrity events (tab hidden, blur, copy, second session refused, …).
CREATE TABLE attempt_events (
    id          UUID PRIMARY KEY NOT NULL,
    attempt_id  UUID NOT NULL REFERENCES attempts(id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX attempt_events_attempt_idx ON attempt_events (attempt_id, at);

-- Grading corrections of one question in one exam. The latest row of a question wins:
-- 'key' grades with the key of `version_id`, 'void' gives everyone the item's points.
CREATE TABLE regrades (
    id           UUID PRIMARY KEY NOT NULL,
    exam_id      UUID NOT NULL REFERENCES exams(id),
    question_id  UUID NOT NULL REFERENCES questions(id),
    mode         TEXT NOT NULL,
    version_id   UUID REFERENCES question_versions(id),
    reason       TEXT NOT NULL,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE INDEX regrades_exam_idx ON regrades (exam_id, created_at);
