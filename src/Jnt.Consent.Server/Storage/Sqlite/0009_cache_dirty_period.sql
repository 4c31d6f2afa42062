-- Each dirty period of the cache flag gets an id, so a silo that publishes a missed write knows
-- whether the period began before it first saw it (the trust lease, see CacheDirtyFlag); each miss
-- gets an id, so a rebuild clears the flag only if no miss came after its start, without comparing
-- the clocks of two machines.
ALTER TABLE jnt_cache_state ADD COLUMN dirty_period TEXT NULL;
ALTER TABLE jnt_cache_state ADD COLUMN last_miss TEXT NULL;
