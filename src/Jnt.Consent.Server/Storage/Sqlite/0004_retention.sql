-- Erasures (by request or by the retention schedule), without personal data: the customer appears
-- only as a keyed hash. And durable schedules that survive restarts.
CREATE TABLE jnt_erasure_log
(
    customer_hash TEXT NOT NULL,
    erased_at     TEXT NOT NULL,
    erased_by     TEXT NOT NULL,
    reason        TEXT NOT NULL
);

CREATE TABLE jnt_schedule
(
    name        TEXT NOT NULL PRIMARY KEY,
    next_run_at TEXT NOT NULL,
    last_run_at TEXT NULL,
    last_result TEXT NULL
);
