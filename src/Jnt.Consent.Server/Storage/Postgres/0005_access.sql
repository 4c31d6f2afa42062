-- API keys (only their SHA-256 hashes) for authentication; rotatable without a restart.
CREATE TABLE jnt_api_key
(
    key_id     text        NOT NULL PRIMARY KEY,
    name       text        NOT NULL,
    role       text        NOT NULL,
    key_hash   text        NOT NULL,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz NULL
);
