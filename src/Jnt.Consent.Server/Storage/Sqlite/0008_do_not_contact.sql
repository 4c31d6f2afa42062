-- The operator's own do-not-contact list: an append-only ledger of prohibitions, their removals and
-- the reads of them, per contact point. The contact point appears only as its 12-byte keyed hash
-- (as on the prohibition lists, whose members the prohibitions in force are); the provenance
-- (actor, evidence, note) is kept as customer service entered it.
-- event: 1 = prohibition recorded, 2 = prohibition removed, 3 = read.
CREATE TABLE jnt_do_not_contact_event
(
    seq             INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    kind            INTEGER NOT NULL,
    contact_hash    BLOB    NOT NULL,
    event           INTEGER NOT NULL,
    prohibition_id  TEXT    NULL,
    channel_mask    INTEGER NOT NULL,
    source          INTEGER NULL,
    actor           TEXT    NOT NULL,
    evidence        TEXT    NOT NULL,
    note            TEXT    NOT NULL,
    reason          TEXT    NOT NULL,
    at              TEXT    NOT NULL,
    by_caller       TEXT    NOT NULL,
    idempotency_key TEXT    NULL
);

CREATE INDEX ix_jnt_do_not_contact_event_contact ON jnt_do_not_contact_event (contact_hash, kind);
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_recorded ON jnt_do_not_contact_event (prohibition_id) WHERE event = 1;
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_removed ON jnt_do_not_contact_event (prohibition_id) WHERE event = 2;
CREATE UNIQUE INDEX ux_jnt_do_not_contact_event_idempotency ON jnt_do_not_contact_event (contact_hash, kind, idempotency_key) WHERE event = 1;
