-- Every read of a customer's personal data (who, when, why, what): one row each, appended before
-- the data is returned, so a read no longer rewrites the customer's stored state. The customer
-- appears only as its 12-byte keyed hash. Rows are never updated; erasure deletes them.
-- legacy_index: the row's place in the state's old list of reads, for rows moved from it (the move
-- is repeated after a crash without duplicates).
CREATE TABLE jnt_customer_access
(
    seq           INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    customer_hash BLOB    NOT NULL,
    at            TEXT    NOT NULL,
    by_caller     TEXT    NOT NULL,
    reason        TEXT    NOT NULL,
    what          TEXT    NOT NULL,
    legacy_index  INTEGER NULL
);

CREATE INDEX ix_jnt_customer_access_customer ON jnt_customer_access (customer_hash, seq);
CREATE UNIQUE INDEX ux_jnt_customer_access_legacy ON jnt_customer_access (customer_hash, legacy_index) WHERE legacy_index IS NOT NULL;
