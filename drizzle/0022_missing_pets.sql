CREATE TABLE `missing_pet_matches` (
	`patient_id` text NOT NULL,
	`report_id` text NOT NULL,
	`kind` text NOT NULL,
	`notified_at` text NOT NULL,
	PRIMARY KEY(`patient_id`, `report_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `missing_pets` (
	`id` text PRIMARY KEY NOT NULL,
	`microchip_norm` text,
	`microchip` text,
	`species` text NOT NULL,
	`breed` text,
	`colour` text,
	`sex` text NOT NULL,
	`name` text,
	`last_seen_area` text NOT NULL,
	`last_seen_at` text NOT NULL,
	`filed_by_name` text NOT NULL,
	`filed_by_kind` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `missing_pets_chip_idx` ON `missing_pets` (`microchip_norm`);--> statement-breakpoint
CREATE TABLE `missing_pets_shape` (
	`integration_id` text PRIMARY KEY NOT NULL,
	`handle` text NOT NULL,
	`offset` text NOT NULL
);
