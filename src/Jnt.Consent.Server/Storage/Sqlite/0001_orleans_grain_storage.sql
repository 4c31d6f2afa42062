-- Orleans ADO.NET grain persistence for the embedded profile (SQLite).
-- The provider ships no SQL: this is the project's own schema, written against the contract in
-- shared/ORLEANS-ADONET.md. Parameters are bound by exact name (@GrainIdHash ...).

CREATE TABLE OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE OrleansStorage
(
    GrainIdHash            INTEGER NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    GrainTypeHash          INTEGER NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdExtensionString TEXT    NULL,
    ServiceId              TEXT    NOT NULL,
    PayloadBinary          BLOB    NULL,
    ModifiedOn             TEXT    NOT NULL,
    Version                INTEGER NOT NULL
);

-- One row per grain state. NULL extensions compare equal through the sentinel '' (customer and
-- contact keys always carry a non-empty prefix, so '' is never a real extension). Without this
-- index two racing first writes could create two rows, and reads would then fail.
CREATE UNIQUE INDEX IX_OrleansStorage_Identity ON OrleansStorage
    (GrainIdHash, GrainTypeHash, ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, IFNULL(GrainIdExtensionString, ''));

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', '
SELECT PayloadBinary, Version
FROM OrleansStorage
WHERE GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND IFNULL(GrainIdExtensionString, '''') = IFNULL(@GrainIdExtensionString, '''');'),

-- Two mutually exclusive statements: an update when a version is expected, an insert when none
-- is. Each returns the new version only if it changed a row, so a conflict returns no row.
('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = @PayloadBinary, ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''), Version = Version + 1
WHERE @GrainStateVersion IS NOT NULL AND Version = @GrainStateVersion
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND IFNULL(GrainIdExtensionString, '''') = IFNULL(@GrainIdExtensionString, '''')
RETURNING Version AS NewGrainStateVersion;
INSERT INTO OrleansStorage
    (GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash, GrainTypeString, GrainIdExtensionString, ServiceId, PayloadBinary, ModifiedOn, Version)
SELECT @GrainIdHash, @GrainIdN0, @GrainIdN1, @GrainTypeHash, @GrainTypeString, @GrainIdExtensionString, @ServiceId, @PayloadBinary,
       strftime(''%Y-%m-%d %H:%M:%f'', ''now''), 1
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING Version AS NewGrainStateVersion;'),

('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadBinary = NULL, ModifiedOn = strftime(''%Y-%m-%d %H:%M:%f'', ''now''), Version = Version + 1
WHERE Version = @GrainStateVersion
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND IFNULL(GrainIdExtensionString, '''') = IFNULL(@GrainIdExtensionString, '''')
RETURNING Version AS NewGrainStateVersion;'),

-- Erasure removes the row itself: a cleared payload is not enough for GDPR 17.
('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE Version = @GrainStateVersion
  AND GrainIdHash = @GrainIdHash AND GrainTypeHash = @GrainTypeHash AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString AND GrainIdN0 = @GrainIdN0 AND GrainIdN1 = @GrainIdN1
  AND IFNULL(GrainIdExtensionString, '''') = IFNULL(@GrainIdExtensionString, '''')
RETURNING Version + 1 AS NewGrainStateVersion;');
