-- The bulk loader (demo commune, province-scale bench data) stored a
-- household's folded search key as the head's name and the name as the key
-- ("Hộ tran duc hop"). Put them back where a folded key is lowercase and the
-- name has capitals; rows written correctly never match both conditions.
UPDATE households
SET head_name = head_key, head_key = head_name
WHERE head_name = lower(head_name) AND head_key <> lower(head_key);
