-- The operator's own do-not-contact list: an append-only ledger of prohibitions, their removals and
-- the reads of them, per contact point. The contact point appears only as its 12-byte keyed hash
-- (as on the prohibition lists, whose members the prohibitions in force are); the provenance
-- (actor, evidence, note) is kept as customer service entered it.
-- event: 1 = prohibition recorded, 2 = prohibition removed, 3 = read.
CREATE TABLE jnt_do_not_contact_event
(
    seq             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind            integer     NOT NULL,
    contact_hash    bytea       NOT NULL,
    event           integer     NOT NULL,
    prohibition_id  text        NULL,
    channel_mask    integer     NOT NULL,
    source          integer     NULL,
    actor           text        NOT NULL,
    evidence        text        NOT NULL,
    note            text        NOT NULL,
    reason          text        NOT NULL,
    at              timestamptz NOT NULL,
    by_caller       text        NOT NULL,
    idempotency_key text        NULL
);

CREATE INDEX ix_jnt_do_not_contact_event_contact ON jnt_do_not_contact_event (contact_hash, kind);
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_recorded ON jnt_do_not_contact_event (prohibition_id) WHERE event = 1;
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_removed ON jnt_do_not_contact_event (prohibition_id) WHERE event = 2;
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_idempotency ON jnt_do_not_contact_event (contact_hash, kind, idempotency_key) WHERE event = 1;
