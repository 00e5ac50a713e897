-- Accounts, units, sessions, login throttling and the audit log.
-- Times are UTC epoch milliseconds (BIGINT) on both backends so comparisons and
-- arithmetic behave identically; UUIDs are sqlx's native encoding per backend.

CREATE TABLE units (
    id          BLOB PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_id   BLOB REFERENCES units(id),
    -- Materialised path of ids ("/root/child/"), maintained with the tree so subtree
    -- checks are a prefix comparison.
    path        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX units_code_key ON units (code);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path);

CREATE TABLE users (
    id                    BLOB PRIMARY KEY NOT NULL,
    login                 TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    unit_id               BLOB NOT NULL REFERENCES units(id),
    scope_unit_id         BLOB REFERENCES units(id),
    is_admin              BOOLEAN NOT NULL DEFAULT FALSE,
    is_organizer          BOOLEAN NOT NULL DEFAULT FALSE,
    is_candidate          BOOLEAN NOT NULL DEFAULT FALSE,
    rank_tag              TEXT,
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    password_hash         TEXT NOT NULL,
    must_change_password  BOOLEAN NOT NULL DEFAULT FALSE,
    lang                  TEXT,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_login_key ON users (login);
CREATE INDEX users_unit_idx ON users (unit_id);

CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY NOT NULL,
    user_id       BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    client_addr   TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_throttle (
    throttle_key   TEXT PRIMARY KEY NOT NULL,
    failures       BIGINT NOT NULL,
    window_start   BIGINT NOT NULL,
    blocked_until  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           BIGINT NOT NULL,
    actor_id     BLOB,
    actor_login  TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    client_addr  TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- Uploaded user files wait here between preview and commit; rows are the parsed,
-- validated records as JSON so the commit applies exactly what was previewed.
CREATE TABLE user_imports (
    id           BLOB PRIMARY KEY NOT NULL,
    created_by   BLOB NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    file_name    TEXT NOT NULL,
    report_json  TEXT NOT NULL,
    -- The batch's initial password, hashed once at upload; never sent to a browser.
    password_hash TEXT NOT NULL,
    committed_at BIGINT
);
