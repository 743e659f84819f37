-- v4: the agenda's index. A user's agenda reads the planned interactions around a day;
-- planned ones are few (most history is reported), so a partial index over their start
-- finds them without walking the user's whole history. Interactions last at most
-- 31 days, which bounds how far back the start of an overlapping one can lie.

CREATE INDEX interactions_planned ON interactions (starts_at) WHERE status = 'planned';
