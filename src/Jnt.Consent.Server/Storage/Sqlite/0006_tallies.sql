-- Analyst tallies (TallyService), maintained as changes happen. See the PostgreSQL script of the
-- same name for the design: a trigger queues every customer state write in the same transaction,
-- and a projector turns the queue into status rows and counters in one transaction.

CREATE TABLE jnt_tally_outbox
(
    seq                    INTEGER PRIMARY KEY AUTOINCREMENT,
    serviceid              TEXT    NOT NULL,
    grainidhash            INTEGER NOT NULL,
    graintypehash          INTEGER NOT NULL,
    grainidn0              INTEGER NOT NULL,
    grainidn1              INTEGER NOT NULL,
    grainidextensionstring TEXT    NULL
);
CREATE INDEX ix_jnt_tally_outbox_service ON jnt_tally_outbox (serviceid, seq);

-- 'customer' is the customer grain's state name (StorageNames.CustomerState).
CREATE TRIGGER trg_jnt_tally_insert AFTER INSERT ON OrleansStorage WHEN NEW.GrainTypeString = 'customer'
BEGIN
    INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
    VALUES (NEW.ServiceId, NEW.GrainIdHash, NEW.GrainTypeHash, NEW.GrainIdN0, NEW.GrainIdN1, NEW.GrainIdExtensionString);
END;
CREATE TRIGGER trg_jnt_tally_update AFTER UPDATE ON OrleansStorage WHEN NEW.GrainTypeString = 'customer'
BEGIN
    INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
    VALUES (NEW.ServiceId, NEW.GrainIdHash, NEW.GrainTypeHash, NEW.GrainIdN0, NEW.GrainIdN1, NEW.GrainIdExtensionString);
END;
CREATE TRIGGER trg_jnt_tally_delete AFTER DELETE ON OrleansStorage WHEN OLD.GrainTypeString = 'customer'
BEGIN
    INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
    VALUES (OLD.ServiceId, OLD.GrainIdHash, OLD.GrainTypeHash, OLD.GrainIdN0, OLD.GrainIdN1, OLD.GrainIdExtensionString);
END;

CREATE TABLE jnt_tally_status
(
    subject_ref    INTEGER PRIMARY KEY,
    grain_key      TEXT    NOT NULL UNIQUE,
    grainidhash    INTEGER NOT NULL,
    graintypehash  INTEGER NOT NULL,
    grainidn0      INTEGER NOT NULL,
    grainidn1      INTEGER NOT NULL,
    customer_group INTEGER NOT NULL,
    consented_mask INTEGER NOT NULL,
    objected_mask  INTEGER NOT NULL,
    reachable_mask INTEGER NOT NULL,
    changed_at_ms  INTEGER NULL,
    valid_until_ms INTEGER NULL,
    projected_at   TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX ix_jnt_tally_status_valid_until ON jnt_tally_status (valid_until_ms) WHERE valid_until_ms IS NOT NULL;

CREATE TABLE jnt_tally
(
    customer_group INTEGER NOT NULL,
    purpose        INTEGER NOT NULL,
    channel        INTEGER NOT NULL,
    customers      INTEGER NOT NULL,
    consented      INTEGER NOT NULL,
    objected       INTEGER NOT NULL,
    neither        INTEGER NOT NULL,
    reachable      INTEGER NOT NULL,
    PRIMARY KEY (customer_group, purpose, channel)
);

-- day is "YYYY-MM-DD", Finnish time.
CREATE TABLE jnt_tally_daily
(
    day            TEXT    NOT NULL,
    customer_group INTEGER NOT NULL,
    purpose        INTEGER NOT NULL,
    channel        INTEGER NOT NULL,
    customers      INTEGER NOT NULL,
    consented      INTEGER NOT NULL,
    objected       INTEGER NOT NULL,
    neither        INTEGER NOT NULL,
    reachable      INTEGER NOT NULL,
    PRIMARY KEY (day, customer_group, purpose, channel)
);

-- The same changes by month (month = "YYYY-MM-01"), so that counts as of a date add up a few
-- months and days rather than every day since the start.
CREATE TABLE jnt_tally_monthly
(
    month          TEXT    NOT NULL,
    customer_group INTEGER NOT NULL,
    purpose        INTEGER NOT NULL,
    channel        INTEGER NOT NULL,
    customers      INTEGER NOT NULL,
    consented      INTEGER NOT NULL,
    objected       INTEGER NOT NULL,
    neither        INTEGER NOT NULL,
    reachable      INTEGER NOT NULL,
    PRIMARY KEY (month, customer_group, purpose, channel)
);

-- And by year (year = its 1 January): counts as of any date add up at most a year-row per year,
-- a month-row per month of that year and a day-row per day of that month.
CREATE TABLE jnt_tally_yearly
(
    year           TEXT     NOT NULL,
    customer_group INTEGER  NOT NULL,
    purpose        INTEGER  NOT NULL,
    channel        INTEGER  NOT NULL,
    customers      INTEGER  NOT NULL,
    consented      INTEGER  NOT NULL,
    objected       INTEGER  NOT NULL,
    neither        INTEGER  NOT NULL,
    reachable      INTEGER  NOT NULL,
    PRIMARY KEY (year, customer_group, purpose, channel)
);

INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
SELECT ServiceId, GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainIdExtensionString
FROM OrleansStorage
WHERE GrainTypeString = 'customer' AND PayloadBinary IS NOT NULL;
