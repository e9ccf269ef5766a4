-- Seats the rounds could not fill, closed under the profile's rule: left
-- vacant (暂缺, with the day its by-election is due) or reduced (减少名额).
-- Append-only like the journal; the election's seats stay as scheduled and
-- the result counts elected + vacant + reduced against them.
CREATE TABLE tally.seat_closure (
    id         uuid PRIMARY KEY,          -- the request id
    election   uuid NOT NULL REFERENCES tally.election(id),
    kind       text NOT NULL CHECK (kind IN ('vacant', 'reduced')),
    seats      integer NOT NULL CHECK (seats >= 1),
    after_round integer NOT NULL CHECK (after_round >= 1),
    reason     text NOT NULL CHECK (reason <> ''),
    rule       text NOT NULL,             -- the profile's words that allowed it
    rule_zh    text NOT NULL,
    due_on     date,                      -- vacant: the by-election is due by this day
    actor      text NOT NULL,
    at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'vacant') = (due_on IS NOT NULL))
);
CREATE INDEX seat_closure_election ON tally.seat_closure (election, at);

-- A recount before certification is an amendment too: both counts kept,
-- with the reason. kind says which.
ALTER TABLE tally.amendment
    ADD COLUMN kind text NOT NULL DEFAULT 'amendment' CHECK (kind IN ('amendment', 'recount'));
