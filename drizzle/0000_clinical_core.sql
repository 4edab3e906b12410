CREATE TABLE `audit_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`id` text NOT NULL,
	`clinic_id` text NOT NULL,
	`device_id` text NOT NULL,
	`occurred_at` text NOT NULL,
	`recorded_at` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	`action` text NOT NULL,
	`direction` text NOT NULL,
	`integration_id` text,
	`patient_id` text,
	`entity_type` text,
	`entity_id` text,
	`outcome` text NOT NULL,
	`summary` text NOT NULL,
	`details` text,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_log_id_unique` ON `audit_log` (`id`);--> statement-breakpoint
CREATE INDEX `audit_patient_idx` ON `audit_log` (`patient_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_integration_idx` ON `audit_log` (`integration_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor_id`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_time_idx` ON `audit_log` (`occurred_at`);--> statement-breakpoint
CREATE TABLE `client_contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`client_id` text NOT NULL,
	`kind` text NOT NULL,
	`label` text NOT NULL,
	`value` text NOT NULL,
	`search_key` text NOT NULL,
	`is_primary` integer NOT NULL,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `client_contacts_client_idx` ON `client_contacts` (`client_id`);--> statement-breakpoint
CREATE INDEX `client_contacts_search_idx` ON `client_contacts` (`kind`,`search_key`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `clients` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`first_name` text NOT NULL,
	`last_name` text NOT NULL,
	`first_name_norm` text NOT NULL,
	`last_name_norm` text NOT NULL,
	`address` text,
	`notes` text
);
--> statement-breakpoint
CREATE INDEX `clients_last_name_idx` ON `clients` (`last_name_norm`,`first_name_norm`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `clients_first_name_idx` ON `clients` (`first_name_norm`,`last_name_norm`,`id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE TABLE `clinical_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text NOT NULL,
	`visit_id` text,
	`author_id` text NOT NULL,
	`kind` text NOT NULL,
	`subjective` text,
	`objective` text,
	`assessment` text,
	`plan` text,
	`body` text,
	`amends_id` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`visit_id`) REFERENCES `visits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `clinical_notes_patient_idx` ON `clinical_notes` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `clinics` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`name` text NOT NULL,
	`phone` text,
	`email` text,
	`address` text,
	`timezone` text NOT NULL,
	`currency` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `device_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `integrations` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer NOT NULL,
	`config` text NOT NULL,
	`approved_by` text,
	`approved_at` text,
	`approved_categories` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`recipient_id` text,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`patient_id` text,
	`read_at` text
);
--> statement-breakpoint
CREATE INDEX `notifications_recipient_idx` ON `notifications` (`recipient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `outbox` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`mutation_id` text NOT NULL,
	`tbl` text NOT NULL,
	`row_id` text NOT NULL,
	`op` text NOT NULL,
	`payload` text NOT NULL,
	`hlc` text NOT NULL,
	`schema_version` integer NOT NULL,
	`status` text NOT NULL,
	`server_version` integer,
	`error` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_mutation_id_unique` ON `outbox` (`mutation_id`);--> statement-breakpoint
CREATE TABLE `patient_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text NOT NULL,
	`kind` text NOT NULL,
	`severity` text NOT NULL,
	`text` text NOT NULL,
	`resolves_id` text,
	`recorded_by` text NOT NULL,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patient_alerts_patient_idx` ON `patient_alerts` (`patient_id`);--> statement-breakpoint
CREATE TABLE `patient_weights` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`measured_at` text NOT NULL,
	`recorded_by` text NOT NULL,
	`corrects_id` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patient_weights_patient_idx` ON `patient_weights` (`patient_id`,`measured_at`);--> statement-breakpoint
CREATE TABLE `patients` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`client_id` text NOT NULL,
	`name` text NOT NULL,
	`name_norm` text NOT NULL,
	`species` text NOT NULL,
	`breed` text,
	`sex` text NOT NULL,
	`neuter_status` text NOT NULL,
	`date_of_birth` text,
	`dob_estimated` integer NOT NULL,
	`color` text,
	`microchip` text,
	`microchip_norm` text,
	`microchip_type` text,
	`deceased_at` text,
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `patients_client_idx` ON `patients` (`client_id`);--> statement-breakpoint
CREATE INDEX `patients_name_idx` ON `patients` (`name_norm`,`client_id`) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX `patients_microchip_idx` ON `patients` (`microchip_norm`) WHERE deleted_at IS NULL AND microchip_norm IS NOT NULL;--> statement-breakpoint
CREATE TABLE `staff` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`display_name` text NOT NULL,
	`username` text NOT NULL,
	`role` text NOT NULL,
	`pin_hash` text NOT NULL,
	`active` integer NOT NULL,
	`license_number` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `staff_username_idx` ON `staff` (`clinic_id`,`username`);--> statement-breakpoint
CREATE TABLE `visits` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text NOT NULL,
	`veterinarian_id` text,
	`reason` text NOT NULL,
	`status` text NOT NULL,
	`scheduled_at` text,
	`started_at` text,
	`ended_at` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`veterinarian_id`) REFERENCES `staff`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `visits_patient_idx` ON `visits` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `visits_vet_idx` ON `visits` (`veterinarian_id`,`status`);