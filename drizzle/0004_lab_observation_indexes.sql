DROP INDEX `lab_observations_code_idx`;--> statement-breakpoint
CREATE INDEX `lab_observations_supersedes_idx` ON `lab_observations` (`supersedes_id`);