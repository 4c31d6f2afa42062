-- Erasures (by request or by the retention schedule), without personal data: the customer appears
-- only as a keyed hash. And durable schedules that survive restarts.
CREATE TABLE jnt_erasure_log
(
    customer_hash text        NOT NULL,
    erased_at     timestamptz NOT NULL,
    erased_by     text        NOT NULL,
    reason        text        NOT NULL
);

CREATE TABLE jnt_schedule
(
    name        text        NOT NULL PRIMARY KEY,
    next_run_at timestamptz NOT NULL,
    last_run_at timestamptz NULL,
    last_result text        NULL
);
