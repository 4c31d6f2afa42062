-- The consent ledger: every recorded change of a customer (created, profile changed, consent,
-- withdrawal, objection), one row each, in version order. The grain appends a change's row before
-- it writes the customer's compact state; a row above the state's version is a write that never
-- completed, and the grain discards it before its next write. Rows are never updated; erasure
-- deletes a customer's rows. The customer appears only as its 12-byte keyed hash.
-- purposes, channels: the enum values as given, comma-separated. legacy: moved from a state
-- written before this table existed.
CREATE TABLE jnt_customer_event
(
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_hash   bytea NOT NULL,
    version         bigint NOT NULL,
    kind            integer NOT NULL,
    recorded_at     timestamptz NOT NULL,
    source          integer NOT NULL,
    actor           text NOT NULL,
    evidence        text NOT NULL,
    note            text NOT NULL,
    purposes        text NOT NULL,
    channels        text NOT NULL,
    expires_at      timestamptz NULL,
    changed_fields  text NOT NULL,
    policy_version  text NOT NULL,
    idempotency_key text NULL,
    request_digest  text NULL,
    legacy          integer NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX ux_jnt_customer_event_version ON jnt_customer_event (customer_hash, version);
CREATE UNIQUE INDEX ux_jnt_customer_event_idempotency ON jnt_customer_event (customer_hash, idempotency_key) WHERE idempotency_key IS NOT NULL;
