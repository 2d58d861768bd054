-- How each sender presents in messages (`sender.first_name`, …), as JSON; '{}' is nothing known.
ALTER TABLE accounts ADD COLUMN sender TEXT NOT NULL DEFAULT '{}';
