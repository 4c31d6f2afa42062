-- Analyst tallies (TallyService), maintained as changes happen.
--
-- Every write of a customer's grain state also queues its key in jnt_tally_outbox, by a trigger in the
-- same transaction as the write: a write that is acknowledged is queued, whatever crashes afterwards.
-- A projector (one silo at a time, advisory lock) reads the queued customers' current states, works
-- out each customer's status masks (jnt_tally_status), and adds the difference to the counters
-- (jnt_tally) and to the day's changes (jnt_tally_daily), and removes the queue entries, all in one
-- transaction. Retries, duplicates and reordering cannot count twice: a customer is always projected
-- from their latest stored state against the status last counted for them.

CREATE TABLE jnt_tally_outbox
(
    seq                    bigserial    PRIMARY KEY,
    serviceid              varchar(150) NOT NULL,
    grainidhash            integer      NOT NULL,
    graintypehash          integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    grainidextensionstring varchar(512) NULL,
    queued_at              timestamptz  NOT NULL DEFAULT now()
);
-- Projectors read the queue of their service in order; after a large backlog is counted this keeps
-- "is anything queued?" an index probe rather than a scan over the removed entries.
CREATE INDEX ix_jnt_tally_outbox_service ON jnt_tally_outbox (serviceid, seq);

CREATE FUNCTION jnt_tally_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
        VALUES (OLD.serviceid, OLD.grainidhash, OLD.graintypehash, OLD.grainidn0, OLD.grainidn1, OLD.grainidextensionstring);
        RETURN OLD;
    END IF;
    INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
    VALUES (NEW.serviceid, NEW.grainidhash, NEW.graintypehash, NEW.grainidn0, NEW.grainidn1, NEW.grainidextensionstring);
    RETURN NEW;
END
$$;

-- 'customer' is the customer grain's state name (StorageNames.CustomerState).
CREATE TRIGGER trg_jnt_tally_write AFTER INSERT OR UPDATE ON orleansstorage
    FOR EACH ROW WHEN (NEW.graintypestring = 'customer') EXECUTE FUNCTION jnt_tally_enqueue();
CREATE TRIGGER trg_jnt_tally_delete AFTER DELETE ON orleansstorage
    FOR EACH ROW WHEN (OLD.graintypestring = 'customer') EXECUTE FUNCTION jnt_tally_enqueue();

-- One row per customer counted. grain_key identifies the stored state (it holds the customer id, so
-- analysts get the views below, not this table); subject_ref is a meaningless number for the views.
CREATE TABLE jnt_tally_status
(
    subject_ref    bigserial    PRIMARY KEY,
    grain_key      varchar(512) NOT NULL UNIQUE,
    grainidhash    integer      NOT NULL,
    graintypehash  integer      NOT NULL,
    grainidn0      bigint       NOT NULL,
    grainidn1      bigint       NOT NULL,
    customer_group smallint     NOT NULL,
    consented_mask integer      NOT NULL,
    objected_mask  integer      NOT NULL,
    reachable_mask integer      NOT NULL,
    -- Unix milliseconds: when the last change was recorded, and when the status next changes by itself.
    changed_at_ms  bigint       NULL,
    valid_until_ms bigint       NULL,
    projected_at   timestamptz  NOT NULL DEFAULT now()
);
CREATE INDEX ix_jnt_tally_status_valid_until ON jnt_tally_status (valid_until_ms) WHERE valid_until_ms IS NOT NULL;

-- Purpose and channel 0 mean "any"; customer_group 0 means all groups together.
CREATE TABLE jnt_tally
(
    customer_group smallint NOT NULL,
    purpose        smallint NOT NULL,
    channel        smallint NOT NULL,
    customers      bigint   NOT NULL,
    consented      bigint   NOT NULL,
    objected       bigint   NOT NULL,
    neither        bigint   NOT NULL,
    reachable      bigint   NOT NULL,
    PRIMARY KEY (customer_group, purpose, channel)
);

-- The changes of each day (Finnish time); the counters at the end of day D are the sum up to D.
CREATE TABLE jnt_tally_daily
(
    day            date     NOT NULL,
    customer_group smallint NOT NULL,
    purpose        smallint NOT NULL,
    channel        smallint NOT NULL,
    customers      bigint   NOT NULL,
    consented      bigint   NOT NULL,
    objected       bigint   NOT NULL,
    neither        bigint   NOT NULL,
    reachable      bigint   NOT NULL,
    PRIMARY KEY (day, customer_group, purpose, channel)
);

-- The same changes by month (month = its first day), so that counts as of a date add up a few
-- months and days rather than every day since the start.
CREATE TABLE jnt_tally_monthly
(
    month          date     NOT NULL,
    customer_group smallint NOT NULL,
    purpose        smallint NOT NULL,
    channel        smallint NOT NULL,
    customers      bigint   NOT NULL,
    consented      bigint   NOT NULL,
    objected       bigint   NOT NULL,
    neither        bigint   NOT NULL,
    reachable      bigint   NOT NULL,
    PRIMARY KEY (month, customer_group, purpose, channel)
);

-- And by year (year = its 1 January): counts as of any date add up at most a year-row per year,
-- a month-row per month of that year and a day-row per day of that month.
CREATE TABLE jnt_tally_yearly
(
    year           date     NOT NULL,
    customer_group smallint NOT NULL,
    purpose        smallint NOT NULL,
    channel        smallint NOT NULL,
    customers      bigint   NOT NULL,
    consented      bigint   NOT NULL,
    objected       bigint   NOT NULL,
    neither        bigint   NOT NULL,
    reachable      bigint   NOT NULL,
    PRIMARY KEY (year, customer_group, purpose, channel)
);

-- Names for the codes, for the views.
CREATE TABLE jnt_tally_purpose (id smallint PRIMARY KEY, name text NOT NULL);
INSERT INTO jnt_tally_purpose VALUES
    (0, 'any'), (1, 'direct_advertising'), (2, 'distance_selling'), (3, 'other_direct_marketing'), (4, 'market_research');
CREATE TABLE jnt_tally_channel (id smallint PRIMARY KEY, name text NOT NULL);
INSERT INTO jnt_tally_channel VALUES
    (0, 'any'), (1, 'email'), (2, 'sms'), (3, 'phone'), (4, 'automated_call'), (5, 'post');
CREATE TABLE jnt_tally_group (id smallint PRIMARY KEY, name text NOT NULL);
INSERT INTO jnt_tally_group VALUES (0, 'all'), (1, 'consumer'), (2, 'business');

-- Views for analysts' own tools. No names, contact points, identity codes or customer ids: a customer
-- is a subject_ref, which means nothing outside these views. Grant analysts the schema, not the tables.
CREATE SCHEMA jnt_analytics;

-- Current status per customer, purpose and channel (one row per customer and cell).
CREATE VIEW jnt_analytics.consent_status AS
SELECT s.subject_ref,
       g.name AS customer_group,
       p.name AS purpose,
       c.name AS channel,
       CASE
           WHEN (s.consented_mask >> ((p.id - 1) * 5 + (c.id - 1))) & 1 = 1 THEN 'consented'
           WHEN (s.objected_mask >> ((p.id - 1) * 5 + (c.id - 1))) & 1 = 1 THEN 'objected'
           ELSE 'neither'
       END AS status,
       (s.reachable_mask >> ((p.id - 1) * 5 + (c.id - 1))) & 1 = 1 AS reachable,
       to_timestamp(s.changed_at_ms / 1000.0) AS status_recorded_at
FROM jnt_tally_status s
JOIN jnt_tally_group g ON g.id = s.customer_group
CROSS JOIN jnt_tally_purpose p
CROSS JOIN jnt_tally_channel c
WHERE p.id > 0 AND c.id > 0;

-- Counts at the end of every day since the first change, per group (and 'all'), purpose and channel
-- (and 'any'). Not suppressed: small cells are withheld by TallyService, not here.
CREATE VIEW jnt_analytics.daily_counts AS
WITH days AS (
    SELECT generate_series(
               (SELECT min(day) FROM jnt_tally_daily),
               (now() AT TIME ZONE 'Europe/Helsinki')::date,
               interval '1 day')::date AS day
), cells AS (
    SELECT DISTINCT customer_group, purpose, channel FROM jnt_tally_daily
)
SELECT d.day,
       g.name AS customer_group,
       p.name AS purpose,
       c.name AS channel,
       sum(coalesce(t.customers, 0)) OVER w AS customers,
       sum(coalesce(t.consented, 0)) OVER w AS consented,
       sum(coalesce(t.objected, 0)) OVER w AS objected,
       sum(coalesce(t.neither, 0)) OVER w AS neither,
       sum(coalesce(t.reachable, 0)) OVER w AS reachable
FROM days d
CROSS JOIN cells k
LEFT JOIN jnt_tally_daily t
       ON t.day = d.day AND t.customer_group = k.customer_group AND t.purpose = k.purpose AND t.channel = k.channel
JOIN jnt_tally_group g ON g.id = k.customer_group
JOIN jnt_tally_purpose p ON p.id = k.purpose
JOIN jnt_tally_channel c ON c.id = k.channel
WINDOW w AS (PARTITION BY k.customer_group, k.purpose, k.channel ORDER BY d.day);

-- Customers already stored when this migration runs are counted by the first projection.
INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
SELECT serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring
FROM orleansstorage
WHERE graintypestring = 'customer' AND payloadbinary IS NOT NULL;
