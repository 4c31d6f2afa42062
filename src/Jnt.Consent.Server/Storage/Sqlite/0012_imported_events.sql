-- Events imported from the operator's earlier customer system (RegisterImportService.ImportHistory)
-- keep their original time in recorded_at; imported_at says when they came into this register
-- (null: recorded here, live). Their idempotency keys ('import:' and a digest of the event) make a
-- re-run of the same file find them and add nothing.
ALTER TABLE jnt_customer_event ADD COLUMN imported_at TEXT NULL;
