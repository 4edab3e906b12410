CREATE TABLE `sync_deferred` (
	`tbl` text NOT NULL,
	`row_id` text NOT NULL,
	`server_version` integer NOT NULL,
	`row` text NOT NULL,
	PRIMARY KEY(`tbl`, `row_id`)
);
--> statement-breakpoint
CREATE TABLE `sync_shapes` (
	`tbl` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`offset` text NOT NULL,
	`version` integer NOT NULL
);
