-- How far the lead is from the enrollment's sender, as the last visit of the profile showed
-- it ('first', 'second', 'third', 'out_of_network'), and the connections they share. The
-- planner puts second-degree people with mutual connections first when the budget is scarce.
ALTER TABLE enrollments ADD COLUMN degree TEXT;
ALTER TABLE enrollments ADD COLUMN mutual_connections BIGINT;
