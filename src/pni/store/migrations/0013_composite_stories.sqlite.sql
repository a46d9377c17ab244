-- SQLite cannot ALTER a CHECK constraint; its documented way to loosen one without rebuilding
-- the table (a rebuild would cascade deletes through the foreign keys) is to edit the table's
-- definition in sqlite_schema. The migration runner then bumps schema_version and runs
-- `PRAGMA quick_check`, all inside the migration's transaction.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
   SET sql = replace(sql, '''reflection'', ''other''))', '''reflection'', ''other'', ''composite''))')
 WHERE type = 'table' AND name = 'stories';
PRAGMA writable_schema = OFF;
