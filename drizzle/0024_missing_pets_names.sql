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