-- Hamlets merged into another (issue 11). A merged hamlet keeps its row: its
-- deactivated hamlet unit and digital team still point at it, and their
-- quarterly reports stay as history. Live hamlets have merged_into NULL.
-- Keep in step with ../postgres/0010_hamlet_merges.sql.
ALTER TABLE hamlets ADD COLUMN merged_into INTEGER REFERENCES hamlets(id);
ALTER TABLE hamlets ADD COLUMN merged_on TEXT;
