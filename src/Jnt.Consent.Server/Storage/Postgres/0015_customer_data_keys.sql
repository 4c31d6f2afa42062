-- Crypto-shredding: each customer's personal data (names, emails, phones, postal address, birth
-- date) is stored encrypted under a data key of its own, kept here wrapped by a key-encryption key
-- from configuration (kek_id names it). Erasure deletes the row first: from then on every copy of
-- the person's data, in heap files, WAL, replicas and backups, is ciphertext under a key that no
-- longer exists once the KEK that wrapped it is rotated away and retired. The customer appears only
-- as its 12-byte keyed hash, as in the ledger.
CREATE TABLE jnt_customer_key
(
    customer_hash bytea       PRIMARY KEY,
    kek_id        text        NOT NULL,
    wrapped_key   bytea       NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_jnt_customer_key_kek ON jnt_customer_key (kek_id);
