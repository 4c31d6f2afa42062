-- External prohibition lists and campaign receipts (the durable copies behind the suppression cache).
-- Members are 12-byte keyed hashes of normalised contact points: never a contact point in clear.

CREATE TABLE jnt_prohibition_list
(
    name            text        NOT NULL PRIMARY KEY,
    kind            integer     NOT NULL,
    channel_mask    integer     NOT NULL,
    current_version bigint      NOT NULL,
    list_date       timestamptz NULL,
    source          text        NOT NULL,
    imported_at     timestamptz NOT NULL,
    entries         bigint      NOT NULL
);

CREATE TABLE jnt_prohibition_list_member
(
    name    text   NOT NULL,
    version bigint NOT NULL,
    member  bytea  NOT NULL,
    PRIMARY KEY (name, version, member)
);

CREATE TABLE jnt_campaign_receipt
(
    receipt_id     text        NOT NULL PRIMARY KEY,
    campaign_id    text        NOT NULL,
    caller         text        NOT NULL,
    completed_at   timestamptz NOT NULL,
    policy_version text        NOT NULL,
    list_digest    text        NOT NULL,
    checked        bigint      NOT NULL,
    allowed        bigint      NOT NULL,
    errors         bigint      NOT NULL,
    counts_json    text        NOT NULL,
    list_versions  text        NOT NULL
);

CREATE INDEX ix_jnt_campaign_receipt_campaign ON jnt_campaign_receipt (campaign_id);
