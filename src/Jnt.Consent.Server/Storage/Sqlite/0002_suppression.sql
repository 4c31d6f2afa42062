-- External prohibition lists and campaign receipts (the durable copies behind the suppression cache).
-- Members are 12-byte keyed hashes of normalised contact points: never a contact point in clear.

CREATE TABLE jnt_prohibition_list
(
    name            TEXT    NOT NULL PRIMARY KEY,
    kind            INTEGER NOT NULL,
    channel_mask    INTEGER NOT NULL,
    current_version INTEGER NOT NULL,
    list_date       TEXT    NULL,
    source          TEXT    NOT NULL,
    imported_at     TEXT    NOT NULL,
    entries         INTEGER NOT NULL
);

CREATE TABLE jnt_prohibition_list_member
(
    name    TEXT    NOT NULL,
    version INTEGER NOT NULL,
    member  BLOB    NOT NULL,
    PRIMARY KEY (name, version, member)
) WITHOUT ROWID;

CREATE TABLE jnt_campaign_receipt
(
    receipt_id     TEXT    NOT NULL PRIMARY KEY,
    campaign_id    TEXT    NOT NULL,
    caller         TEXT    NOT NULL,
    completed_at   TEXT    NOT NULL,
    policy_version TEXT    NOT NULL,
    list_digest    TEXT    NOT NULL,
    checked        INTEGER NOT NULL,
    allowed        INTEGER NOT NULL,
    errors         INTEGER NOT NULL,
    counts_json    TEXT    NOT NULL,
    list_versions  TEXT    NOT NULL
);

CREATE INDEX ix_jnt_campaign_receipt_campaign ON jnt_campaign_receipt (campaign_id);
