-- One outbox row per transaction instead of per written row; pending rows become one-change mutations.
CREATE TABLE `__new_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`changes` text NOT NULL,
	`hlc` text NOT NULL,
	`schema_version` integer NOT NULL,
	`status` text NOT NULL,
	`server_version` integer,
	`error` text
);--> statement-breakpoint
INSERT INTO `__new_outbox` (`seq`, `mutation_id`, `changes`, `hlc`, `schema_version`, `status`, `server_version`, `error`)
	SELECT `seq`, `mutation_id`, json_array(json_array(`tbl`, `row_id`, `op`, `hlc`, json(`payload`))), `hlc`, `schema_version`, `status`, `server_version`, `error` FROM `outbox`;--> statement-breakpoint
DROP TABLE `outbox`;--> statement-breakpoint
ALTER TABLE `__new_outbox` RENAME TO `outbox`;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_mutation_id_unique` ON `outbox` (`mutation_id`);
