CREATE TABLE `petlifelog_opt_outs` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`opt_out` integer NOT NULL
);
--> statement-breakpoint
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
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_missing_pet_matches` (
	`patient_id` text NOT NULL,
	`report_id` text NOT NULL,
	`kind` text NOT NULL,
	`occasion` text DEFAULT '' NOT NULL,
	`notified_at` text NOT NULL,
	PRIMARY KEY(`patient_id`, `report_id`, `kind`, `occasion`)
);
--> statement-breakpoint
INSERT INTO `__new_missing_pet_matches`("patient_id", "report_id", "kind", "occasion", "notified_at") SELECT "patient_id", "report_id", "kind", '', "notified_at" FROM `missing_pet_matches`;--> statement-breakpoint
DROP TABLE `missing_pet_matches`;--> statement-breakpoint
ALTER TABLE `__new_missing_pet_matches` RENAME TO `missing_pet_matches`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `missing_pets` ADD `name_norm` text;--> statement-breakpoint
ALTER TABLE `missing_pets` ADD `area_norm` text;--> statement-breakpoint
CREATE INDEX `missing_pets_name_idx` ON `missing_pets` (`species`,`name_norm`);