-- Lists that never cut silently (issue #20 item 1): `hj election list` and
-- `hj audit list` page by keyset on their sort order with a unique tail (the
-- id), and count the whole filter for `total`. Each order gets its index, so
-- a page after a cursor starts from an index range instead of a sort of the
-- whole table.

-- list_db.c: election day first, then community, body, id.
CREATE INDEX election_list_order ON tally.election (election_date, community, body, id);

-- audit_db.c audit_db_list: community, period start, id.
CREATE INDEX engagement_list_order ON audit.engagement (community, period_from, id);
