CREATE TABLE `petlifelog_outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`patient_id` text NOT NULL,
	`action` text NOT NULL,
	`chip` text NOT NULL,
	`body` text NOT NULL,
	`owner_client_id` text,
	`summary` text NOT NULL,
	`state` text NOT NULL,
	`attempts` integer NOT NULL,
	`last_error` text,
	`queued_at` text NOT NULL,
	`next_attempt_at` text,
	`done_at` text,
	`actor_id` text NOT NULL,
	`actor_name` text NOT NULL,
	`actor_role` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `petlifelog_outbox_id_idx` ON `petlifelog_outbox` (`id`);--> statement-breakpoint
CREATE INDEX `petlifelog_outbox_state_idx` ON `petlifelog_outbox` (`state`,`patient_id`);--> statement-breakpoint
CREATE TABLE `petlifelog_patients` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`opt_out` integer NOT NULL,
	`share_contact` integer NOT NULL,
	`chip` text,
	`owner_client_id` text,
	`owner_name` text,
	`owner_phone` text,
	`owner_email` text,
	`requested_at` text,
	`device_id` text,
	`registered_at` text,
	`confirmed_at` text
);
