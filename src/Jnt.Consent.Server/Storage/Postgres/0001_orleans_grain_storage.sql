-- Orleans ADO.NET schema for the production profile (PostgreSQL 15 or later).
-- The Orleans packages ship no SQL: this is the project's own schema for grain persistence (0001),
-- clustering (0002) and reminders (0003), written against shared/ORLEANS-ADONET.md and checked
-- against Orleans 10.4.2 with Npgsql 10.0.3 on PostgreSQL 15.
--
-- Conventions:
-- * Every identifier is unquoted lower case: the providers query unquoted names
--   (SELECT QueryKey, QueryText FROM OrleansQuery), which PostgreSQL folds to lower case.
-- * Each query text is one command. Parameters are written @Name and bound by Npgsql.
-- * Query texts are dollar-quoted, so they need no '' escaping.
-- * Timestamps are timestamptz: the providers send and read UTC DateTime values, and a
--   timestamp without time zone would be shifted by the session time zone.
-- * The providers open no transaction. Every query that must change two rows together is one
--   statement (data-modifying CTEs), so it commits or fails as a whole.
-- * The schema migrator records this script in jnt_schema_version itself: do not create it here.


CREATE TABLE orleansquery
(
    querykey  varchar(64) NOT NULL PRIMARY KEY,
    querytext text        NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Grain persistence
-- ---------------------------------------------------------------------------------------------

CREATE TABLE orleansstorage
(
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidextensionstring varchar(512) NULL,
    serviceid              varchar(150) NOT NULL,
    payloadbinary          bytea        NULL,
    modifiedon             timestamptz  NOT NULL DEFAULT now(),
    version                integer      NOT NULL
);

-- One row per grain state. NULLS NOT DISTINCT makes two rows with a NULL extension collide, so two
-- racing first writes cannot create duplicates (reads would then fail with "more than one element").
-- The hash comes first: it is the most selective column and every query filters on it.
CREATE UNIQUE INDEX ix_orleansstorage_identity ON orleansstorage
    (grainidhash, graintypehash, serviceid, graintypestring, grainidn0, grainidn1, grainidextensionstring)
    NULLS NOT DISTINCT;

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $$
SELECT payloadbinary, version
FROM orleansstorage
WHERE grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
  AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;
$$),

-- NULL version: create the row only if none with this identity exists (a cleared row still does),
-- version 1. Version N: update only where the stored version is N, to N+1. A conflict returns no
-- row, which the provider reports as InconsistentStateException.
('WriteToStorageKey', $$
WITH updated AS (
    UPDATE orleansstorage
    SET payloadbinary = @PayloadBinary, modifiedon = now(), version = version + 1
    WHERE @GrainStateVersion IS NOT NULL AND version = @GrainStateVersion
      AND grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
      AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
      AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
    RETURNING version
), inserted AS (
    INSERT INTO orleansstorage
        (grainidhash, grainidn0, grainidn1, graintypehash, graintypestring, grainidextensionstring,
         serviceid, payloadbinary, modifiedon, version)
    SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString,
           @ServiceId, @PayloadBinary, now(), 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT version AS newgrainstateversion FROM updated
UNION ALL
SELECT version AS newgrainstateversion FROM inserted;
$$),

('ClearStorageKey', $$
UPDATE orleansstorage
SET payloadbinary = NULL, modifiedon = now(), version = version + 1
WHERE version = @GrainStateVersion
  AND grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
  AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING version AS newgrainstateversion;
$$),

-- Used with DeleteStateOnClear = true. Erasure removes the row itself (GDPR art. 17): a cleared
-- payload is not enough. Returns N+1: returning N would be reported as a conflict.
('DeleteStorageKey', $$
DELETE FROM orleansstorage
WHERE version = @GrainStateVersion
  AND grainidhash = @GrainIdHash AND graintypehash = @GrainTypeHash AND serviceid = @ServiceId
  AND graintypestring = @GrainTypeString AND grainidn0 = @GrainIdN0 AND grainidn1 = @GrainIdN1
  AND grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
RETURNING version + 1 AS newgrainstateversion;
$$);
