-- Orleans ADO.NET cluster membership (production profile: several silos). Conventions as in 0001.

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
