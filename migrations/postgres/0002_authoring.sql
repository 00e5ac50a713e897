-- Question banks, versioned questions, exams (papers) and sittings with assignments.
-- Times are UTC epoch milliseconds; JSON documents are TEXT on both backends.

CREATE TABLE banks (
    id             UUID PRIMARY KEY,
    name           TEXT NOT NULL,
    owner_unit_id  UUID NOT NULL REFERENCES units(id),
    created_by     UUID REFERENCES users(id),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX banks_owner_idx ON banks (owner_unit_id);

-- Read-only sharing of a bank with another unit subtree.
CREATE TABLE bank_shares (
    bank_id  UUID NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
    unit_id  UUID NOT NULL REFERENCES units(id),
    PRIMARY KEY (bank_id, unit_id)
);

CREATE TABLE categories (
    id         UUID PRIMARY KEY,
    bank_id    UUID NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
    parent_id  UUID REFERENCES categories(id),
    name       TEXT NOT NULL,
    -- Materialised id path ("/a/b/") for subtree filters, and the names joined with
    -- "/" (unique per bank) for lookups by path.
    path       TEXT NOT NULL,
    name_path  TEXT NOT NULL
);
CREATE UNIQUE INDEX categories_name_path_key ON categories (bank_id, name_path);

CREATE TABLE questions (
    id                  UUID PRIMARY KEY,
    bank_id             UUID NOT NULL REFERENCES banks(id),
    status              TEXT NOT NULL,
    -- Columns below mirror the current version so the bank view filters and sorts
    -- without reading JSON.
    current_version_id  UUID NOT NULL,
    version_no          INTEGER NOT NULL,
    qtype               TEXT NOT NULL,
    stem                TEXT NOT NULL,
    category_id         UUID REFERENCES categories(id),
    category_path       TEXT NOT NULL,
    difficulty          INTEGER NOT NULL,
    -- "|a|b|" so one tag is matched with LIKE '%|a|%'.
    tags                TEXT NOT NULL,
    points              INTEGER NOT NULL,
    dup_key             TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE UNIQUE INDEX questions_dup_key ON questions (bank_id, dup_key);
CREATE INDEX questions_bank_idx ON questions (bank_id, updated_at);

CREATE TABLE question_versions (
    id           UUID PRIMARY KEY,
    question_id  UUID NOT NULL REFERENCES questions(id),
    version_no   INTEGER NOT NULL,
    -- Everything a candidate may see (stem, options, …), without the key.
    content      TEXT NOT NULL,
    answer_key   TEXT NOT NULL,
    -- Set once a paper or a candidate's paper pins this version; editing then makes a
    -- new version instead of changing this one.
    in_use       BOOLEAN NOT NULL DEFAULT FALSE,
    created_by   UUID REFERENCES users(id),
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX question_versions_no_key ON question_versions (question_id, version_no);

CREATE TABLE question_images (
    id            UUID PRIMARY KEY,
    bank_id       UUID NOT NULL REFERENCES banks(id),
    content_type  TEXT NOT NULL,
    bytes         BYTEA NOT NULL,
    created_at    BIGINT NOT NULL
);

CREATE TABLE question_imports (
    id            UUID PRIMARY KEY,
    bank_id       UUID NOT NULL REFERENCES banks(id),
    created_by    UUID NOT NULL REFERENCES users(id),
    created_at    BIGINT NOT NULL,
    file_name     TEXT NOT NULL,
    report_json   TEXT NOT NULL,
    committed_at  BIGINT
);

CREATE TABLE exams (
    id              UUID PRIMARY KEY,
    bank_id         UUID NOT NULL REFERENCES banks(id),
    owner_unit_id   UUID NOT NULL REFERENCES units(id),
    title           TEXT NOT NULL,
    settings        TEXT NOT NULL,
    sections        TEXT NOT NULL,
    total_points    INTEGER NOT NULL,
    question_count  INTEGER NOT NULL,
    created_by      UUID REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX exams_owner_idx ON exams (owner_unit_id);

CREATE TABLE sittings (
    id                  UUID PRIMARY KEY,
    exam_id             UUID NOT NULL REFERENCES exams(id),
    name                TEXT NOT NULL,
    window_start        BIGINT NOT NULL,
    window_end          BIGINT NOT NULL,
    -- 'fixed' or 'flexible'.
    mode                TEXT NOT NULL,
    late_entry_minutes  INTEGER NOT NULL,
    capacity            INTEGER NOT NULL,
    location            TEXT NOT NULL,
    is_retake           BOOLEAN NOT NULL DEFAULT FALSE,
    created_by          UUID REFERENCES users(id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE INDEX sittings_exam_idx ON sittings (exam_id);
CREATE INDEX sittings_window_idx ON sittings (window_start);

CREATE TABLE assignments (
    sitting_id            UUID NOT NULL REFERENCES sittings(id) ON DELETE CASCADE,
    user_id               UUID NOT NULL REFERENCES users(id),
    -- The sitting's window, copied so overlap checks are one indexed query per user.
    window_start          BIGINT NOT NULL,
    window_end            BIGINT NOT NULL,
    extra_minutes         INTEGER NOT NULL DEFAULT 0,
    extra_percent         INTEGER NOT NULL DEFAULT 0,
    accommodation_reason  TEXT NOT NULL DEFAULT '',
    -- The candidate's own paper (drawn questions, pinned versions, orders), generated
    -- ahead of the sitting so starting is a single read.
    paper                 TEXT,
    assigned_by           UUID REFERENCES users(id),
    assigned_at           BIGINT NOT NULL,
    PRIMARY KEY (sitting_id, user_id)
);
CREATE INDEX assignments_user_idx ON assignments (user_id, window_start);
