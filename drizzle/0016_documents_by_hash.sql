PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_documents` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text,
	`visit_id` text,
	`source` text NOT NULL,
	`title` text NOT NULL,
	`mime` text NOT NULL,
	`sha256` text NOT NULL,
	`content` blob,
	`bytes` integer
);
--> statement-breakpoint
INSERT INTO `__new_documents`("id", "clinic_id", "created_at", "updated_at", "deleted_at", "server_version", "patient_id", "visit_id", "source", "title", "mime", "sha256", "content", "bytes") SELECT "id", "clinic_id", "created_at", "updated_at", "deleted_at", "server_version", "patient_id", "visit_id", "source", "title", "mime", "sha256", "content", length("content") FROM `documents`;--> statement-breakpoint
DROP TABLE `documents`;--> statement-breakpoint
ALTER TABLE `__new_documents` RENAME TO `documents`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `documents_patient_idx` ON `documents` (`patient_id`);