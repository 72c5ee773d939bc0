-- The audit log becomes tamper-evident: each entry carries the hash of the
-- entry before it and its own (domain::audit::chain_hash), checked by
-- `hocvuso audit verify`. Entries written before this migration keep NULL
-- and are counted apart. Keep in step with ../sqlite/0012_audit_chain.sql.
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT, ADD COLUMN hash TEXT;
