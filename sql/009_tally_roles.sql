-- hj-tallyd logs in as its own role (007_auth.sql): its schema, and the
-- journal it reads and appends to, like every service.
SELECT bus.grant_service('hj_tally', 'tally');
