-- API keys (only their SHA-256 hashes) for authentication; rotatable without a restart.
CREATE TABLE jnt_api_key
(
    key_id     TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    key_hash   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT NULL
);
