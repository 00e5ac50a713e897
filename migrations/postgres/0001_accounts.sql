-- Accounts, units, sessions, login throttling and the audit log.
-- Times are UTC epoch milliseconds (BIGINT) on both backends so comparisons and
-- arithmetic behave identically; UUIDs are sqlx's native encoding per backend.

CREATE TABLE units (
    id          UUID PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    parent_id   UUID REFERENCES units(id),
    -- Materialised path of ids ("/root/child/"), maintained with the tree so subtree
    -- checks are a prefix comparison.
    path        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX units_code_key ON units (code);
CREATE INDEX units_parent_idx ON units (parent_id);
CREATE INDEX units_path_idx ON units (path text_pattern_ops);

CREATE TABLE users (
    id                    UUID PRIMARY KEY,
    login                 TEXT NOT NULL,
    display_name          TEXT NOT NULL,
    unit_id               UUID NOT NULL REFERENCES units(id),
    scope_unit_id         UUID REFERENCES units(id),
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
    token_hash    TEXT PRIMARY KEY,
    user_id       UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    client_addr   TEXT NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE login_throttle (
    throttle_key   TEXT PRIMARY KEY,
    failures       BIGINT NOT NULL,
    window_start   BIGINT NOT NULL,
    blocked_until  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           BIGINT NOT NULL,
    actor_id     UUID,
    actor_login  TEXT NOT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NOT NULL,
    client_addr  TEXT NOT NULL
);
CREATE INDEX audit_log_at_idx ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Uploaded user files wait here between preview and commit; rows are the parsed,
-- validated records as JSON so the commit applies exactly what was previewed.
CREATE TABLE user_imports (
    id           UUID PRIMARY KEY,
    created_by   UUID NOT NULL REFERENCES users(id),
    created_at   BIGINT NOT NULL,
    file_name    TEXT NOT NULL,
    report_json  TEXT NOT NULL,
    -- The batch's initial password, hashed once at upload; never sent to a browser.
    password_hash TEXT NOT NULL,
    committed_at BIGINT
);
