-- Crypto-shredding: each customer's personal data (names, emails, phones, postal address, birth
-- date) is stored encrypted under a data key of its own, kept here wrapped by a key-encryption key
-- (kek_id names it). Erasure deletes the row first (with secure_delete, which overwrites the freed
-- bytes in the file). The customer appears only as its 12-byte keyed hash, as in the ledger.
CREATE TABLE jnt_customer_key
(
    customer_hash BLOB NOT NULL PRIMARY KEY,
    kek_id        TEXT NOT NULL,
    wrapped_key   BLOB NOT NULL,
    created_at    TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_jnt_customer_key_kek ON jnt_customer_key (kek_id);
