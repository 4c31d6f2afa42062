-- Cell rules 1 (DOMAIN.md, "A cell's state over time"): a lapsed or withdrawn consent gives back
-- the objection it had lifted. States written before carry their cells under the old rules; every
-- reader folds them again from their history (CellRules.Upgrade) and the grain writes them back.
-- What was derived from the old cells elsewhere is redone from the stored states:
-- the tallies, by projecting every stored customer again;
INSERT INTO jnt_tally_outbox (serviceid, grainidhash, graintypehash, grainidn0, grainidn1, grainidextensionstring)
SELECT ServiceId, GrainIdHash, GrainTypeHash, GrainIdN0, GrainIdN1, GrainIdExtensionString
FROM OrleansStorage
WHERE GrainTypeString = 'customer' AND PayloadBinary IS NOT NULL;
-- the suppression cache, by marking it dirty: every silo stops trusting it and it is rebuilt.
UPDATE jnt_cache_state SET dirty_since = strftime('%Y-%m-%d %H:%M:%f+00:00', 'now') WHERE id = 1 AND dirty_since IS NULL;
