-- The consent ledger: every recorded change of a customer (created, profile changed, consent,
-- withdrawal, objection), one row each, in version order. The grain appends a change's row before
-- it writes the customer's compact state; a row above the state's version is a write that never
-- completed, and the grain discards it before its next write. Rows are never updated; erasure
-- deletes a customer's rows. The customer appears only as its 12-byte keyed hash.
-- purposes, channels: the enum values as given, comma-separated. legacy: moved from a state
-- written before this table existed.
CREATE TABLE jnt_customer_event
(
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    customer_hash   BLOB NOT NULL,
    version         INTEGER NOT NULL,
    kind            INTEGER NOT NULL,
    recorded_at     TEXT NOT NULL,
    source          INTEGER NOT NULL,
    actor           TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    note            TEXT NOT NULL,
    purposes        TEXT NOT NULL,
    channels        TEXT NOT NULL,
    expires_at      TEXT NULL,
    changed_fields  TEXT NOT NULL,
    policy_version  TEXT NOT NULL,
    idempotency_key TEXT NULL,
    request_digest  TEXT NULL,
    legacy          INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX ux_jnt_customer_event_version ON jnt_customer_event (customer_hash, version);
CREATE UNIQUE INDEX ux_jnt_customer_event_idempotency ON jnt_customer_event (customer_hash, idempotency_key) WHERE idempotency_key IS NOT NULL;
