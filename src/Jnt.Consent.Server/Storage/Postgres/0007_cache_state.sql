-- Set by a silo whose write to the suppression cache failed, before it acknowledges the write:
-- every silo polls it and stops trusting the cache until a rebuild clears it.
CREATE TABLE jnt_cache_state
(
    id          integer     NOT NULL PRIMARY KEY CHECK (id = 1),
    dirty_since timestamptz NULL
);
INSERT INTO jnt_cache_state (id, dirty_since) VALUES (1, NULL);
