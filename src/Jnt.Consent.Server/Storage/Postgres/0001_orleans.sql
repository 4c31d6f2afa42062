-- Orleans ADO.NET schema for the production profile (PostgreSQL 15 or later).
-- The Orleans packages ship no SQL: this is the project's own schema for grain persistence,
-- clustering and reminders, written against the contract in shared/ORLEANS-ADONET.md and checked
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

-- ---------------------------------------------------------------------------------------------
-- Clustering
-- ---------------------------------------------------------------------------------------------

-- One row per cluster (DeploymentId = ClusterId). Its version is the ETag of the whole table.
CREATE TABLE orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL PRIMARY KEY,
    modifiedon   timestamptz  NOT NULL DEFAULT now(),
    version      integer      NOT NULL DEFAULT 0
);

CREATE TABLE orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL REFERENCES orleansmembershipversiontable (deploymentid),
    address      varchar(45)  NOT NULL,
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(150) NOT NULL,
    hostname     varchar(150) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NOT NULL,
    suspecttimes text         NULL,
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    PRIMARY KEY (deploymentid, address, port, generation)
);

-- Lock order, where a query changes both tables: the silo row first, then the version row.

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey', $$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid, modifiedon, version)
    VALUES (@DeploymentId, now(), 0)
    ON CONFLICT DO NOTHING
    RETURNING 1
)
SELECT count(*)::integer FROM created;
$$),

-- Both or neither: the version moves from @Version to @Version + 1 only if the silo row is absent,
-- and the silo row is inserted only if the version moved. Concurrent callers serialise on the
-- version row; a loser finds the version changed and returns 0. Should a duplicate still slip in,
-- the primary key fails the whole statement, so the version never moves alone.
('InsertMembershipKey', $$
WITH bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, modifiedon = now()
    WHERE deploymentid = @DeploymentId AND version = @Version
      AND NOT EXISTS (
          SELECT 1 FROM orleansmembershiptable
          WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation)
    RETURNING deploymentid
), inserted AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname, status, proxyport,
         suspecttimes, starttime, iamalivetime)
    SELECT deploymentid, @Address, @Port, @Generation, @SiloName, @HostName, @Status, @ProxyPort,
           NULL, @StartTime, @IAmAliveTime
    FROM bumped
    RETURNING 1
)
SELECT count(*)::integer FROM inserted;
$$),

-- Both or neither: the silo row is locked first (so it cannot vanish in between), the version
-- moves only if it equals @Version and the silo row exists, and the silo row is updated only if
-- the version moved.
('UpdateMembershipKey', $$
WITH silo AS (
    SELECT deploymentid FROM orleansmembershiptable
    WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
    FOR UPDATE
), bumped AS (
    UPDATE orleansmembershipversiontable
    SET version = version + 1, modifiedon = now()
    WHERE deploymentid = @DeploymentId AND version = @Version
      AND EXISTS (SELECT 1 FROM silo)
    RETURNING deploymentid
), updated AS (
    UPDATE orleansmembershiptable AS m
    SET status = @Status, suspecttimes = @SuspectTimes, iamalivetime = @IAmAliveTime
    FROM bumped
    WHERE m.deploymentid = bumped.deploymentid
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
    RETURNING 1
)
SELECT count(*)::integer FROM updated;
$$),

('UpdateIAmAlivetimeKey', $$
UPDATE orleansmembershiptable
SET iamalivetime = @IAmAliveTime
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation;
$$),

-- Reads return the version row left-joined to the silo rows: one row with NULL silo columns when
-- there is no silo, otherwise silo rows only. No row at all only when the version row is missing.
('MembershipReadAllKey', $$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable AS v
LEFT JOIN orleansmembershiptable AS m ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId;
$$),

('MembershipReadRowKey', $$
SELECT v.deploymentid, m.address, m.port, m.generation, m.siloname, m.hostname, m.status,
       m.proxyport, m.suspecttimes, m.starttime, m.iamalivetime, v.version
FROM orleansmembershipversiontable AS v
LEFT JOIN orleansmembershiptable AS m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId;
$$),

('GatewaysQueryKey', $$
SELECT address, proxyport, generation
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = @Status AND proxyport > 0;
$$),

('DeleteMembershipTableEntriesKey', $$
WITH silos AS (
    DELETE FROM orleansmembershiptable WHERE deploymentid = @DeploymentId
)
DELETE FROM orleansmembershipversiontable WHERE deploymentid = @DeploymentId;
$$),

-- Used only when CleanupDefunctSiloEntryKey is missing; kept as the documented fallback.
('CleanupDefunctSiloEntriesKey', $$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND status = 6 AND iamalivetime < @IAmAliveTime;
$$),

-- Called per Dead row older than the cut-off, with the values the provider read: delete the row
-- only if it has not changed since.
('CleanupDefunctSiloEntryKey', $$
DELETE FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
  AND status = 6
  AND starttime = @StartTime AND iamalivetime = @IAmAliveTime
  AND suspecttimes IS NOT DISTINCT FROM @SuspectTimes;
$$);

-- ---------------------------------------------------------------------------------------------
-- Reminders
-- ---------------------------------------------------------------------------------------------

CREATE TABLE orleansreminderstable
(
    serviceid    varchar(150)  NOT NULL,
    grainid      varchar(1024) NOT NULL,
    remindername varchar(150)  NOT NULL,
    starttime    timestamptz   NOT NULL,
    period       bigint        NOT NULL,
    grainhash    integer       NOT NULL,
    version      integer       NOT NULL,
    PRIMARY KEY (serviceid, grainid, remindername)
);

-- Range reads by the reminder service's hash ring.
CREATE INDEX ix_orleansreminderstable_grainhash ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey', $$
INSERT INTO orleansreminderstable AS r
    (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
SET starttime = excluded.starttime, period = excluded.period, grainhash = excluded.grainhash,
    version = r.version + 1
RETURNING r.version;
$$),

('ReadReminderRowsKey', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId;
$$),

('ReadReminderRowKey', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName;
$$),

-- Hashes are signed integers. Rows1: the range does not wrap (Begin < End).
('ReadRangeRows1Key', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND grainhash > @BeginHash AND grainhash <= @EndHash;
$$),

-- Rows2: the range wraps around.
('ReadRangeRows2Key', $$
SELECT grainid, remindername, starttime, period, version
FROM orleansreminderstable
WHERE serviceid = @ServiceId AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$$),

('DeleteReminderRowKey', $$
WITH deleted AS (
    DELETE FROM orleansreminderstable
    WHERE serviceid = @ServiceId AND grainid = @GrainId AND remindername = @ReminderName
      AND version = @Version
    RETURNING 1
)
SELECT count(*)::integer FROM deleted;
$$),

('DeleteReminderRowsKey', $$
DELETE FROM orleansreminderstable WHERE serviceid = @ServiceId;
$$);
