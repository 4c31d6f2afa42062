-- Orleans ADO.NET reminders (durable schedules such as retention). Conventions as in 0001.

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
