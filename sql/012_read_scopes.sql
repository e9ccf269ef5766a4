-- Reads have scopes like writes (issue 18). The identity-card mask kept the
-- first 6 and the last 4 characters: with the birth date (characters 7-14)
-- beside it, only the 3-digit sequence was missing and the check character
-- gives part of that back. A mask now keeps the first and the last character
-- only; the stored ones are masked again here. Journal rows are append-only
-- and keep the mask they were written with (they are read by the services'
-- own roles, never replied to a device as they are).
UPDATE registry.person
   SET id_mask = left(id_mask, 1) || repeat('*', 16) || right(id_mask, 1)
 WHERE id_mask IS NOT NULL
   AND id_mask <> left(id_mask, 1) || repeat('*', 16) || right(id_mask, 1);

ALTER TABLE registry.person
    ADD CONSTRAINT person_id_mask CHECK (id_mask IS NULL OR id_mask ~ '^[0-9]\*{16}[0-9X]$');

COMMENT ON COLUMN registry.person.id_mask IS
    'the identity-card number''s first and last character, the 16 between as *';
