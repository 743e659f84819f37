-- v7: the team board sums its members' open deals; this partial index holds every
-- column that scan reads, so it never visits the deals table itself (measured in
-- benches/activity.rs: 100k deals, 50 members).

CREATE INDEX deals_open_figures ON deals
    (owner_id, amount, stage_id, confidence_id, campaign_id, expected_close_on, closed_on, id)
    WHERE status = 'open';
