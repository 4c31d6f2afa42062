-- Set by a silo whose write to the suppression cache failed, before it acknowledges the write:
-- every silo polls it and stops trusting the cache until a rebuild clears it.
CREATE TABLE jnt_cache_state
(
    id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    dirty_since TEXT    NULL
);
INSERT INTO jnt_cache_state (id, dirty_since) VALUES (1, NULL);
