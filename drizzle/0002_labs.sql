CREATE TABLE `documents` (
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
	`content` blob NOT NULL
);
--> statement-breakpoint
CREATE INDEX `documents_patient_idx` ON `documents` (`patient_id`);--> statement-breakpoint
CREATE TABLE `inbound_messages` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`integration_id` text,
	`transport` text NOT NULL,
	`peer` text NOT NULL,
	`received_at` text NOT NULL,
	`raw` blob NOT NULL,
	`dedupe_key` text,
	`message_type` text,
	`control_id` text,
	`status` text NOT NULL,
	`error` text,
	`duplicate_of` text,
	`processed_at` text,
	`summary` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_messages_id_unique` ON `inbound_messages` (`id`);--> statement-breakpoint
CREATE INDEX `inbound_dedupe_idx` ON `inbound_messages` (`integration_id`,`dedupe_key`);--> statement-breakpoint
CREATE INDEX `inbound_integration_idx` ON `inbound_messages` (`integration_id`,`seq`);--> statement-breakpoint
CREATE TABLE `lab_observations` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`report_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`sub_id` text,
	`value_type` text NOT NULL,
	`value_num` real,
	`value_text` text,
	`units` text,
	`ref_range` text,
	`ref_low` real,
	`ref_high` real,
	`flag` text,
	`status` text NOT NULL,
	`observed_at` text,
	`instrument` text,
	`supersedes_id` text,
	`document_id` text,
	FOREIGN KEY (`report_id`) REFERENCES `lab_reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lab_observations_report_idx` ON `lab_observations` (`report_id`);--> statement-breakpoint
CREATE INDEX `lab_observations_code_idx` ON `lab_observations` (`code`);--> statement-breakpoint
CREATE TABLE `lab_order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`order_id` text NOT NULL,
	`status` text NOT NULL,
	`detail` text,
	`actor_name` text,
	`occurred_at` text NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `lab_orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lab_order_events_order_idx` ON `lab_order_events` (`order_id`);--> statement-breakpoint
CREATE TABLE `lab_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`order_number` text NOT NULL,
	`patient_id` text NOT NULL,
	`visit_id` text,
	`integration_id` text NOT NULL,
	`tests` text NOT NULL,
	`specimen` text,
	`priority` text NOT NULL,
	`note` text,
	`ordered_by` text NOT NULL,
	`status` text NOT NULL,
	`status_detail` text,
	`filler_number` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`visit_id`) REFERENCES `visits`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lab_orders_number_idx` ON `lab_orders` (`order_number`);--> statement-breakpoint
CREATE INDEX `lab_orders_patient_idx` ON `lab_orders` (`patient_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `lab_report_links` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`report_id` text NOT NULL,
	`action` text NOT NULL,
	`patient_id` text,
	`order_id` text,
	`automatic` integer NOT NULL,
	`reason` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	FOREIGN KEY (`report_id`) REFERENCES `lab_reports`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lab_report_links_report_idx` ON `lab_report_links` (`report_id`);--> statement-breakpoint
CREATE INDEX `lab_report_links_patient_idx` ON `lab_report_links` (`patient_id`);--> statement-breakpoint
CREATE TABLE `lab_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`inbound_id` text NOT NULL,
	`integration_id` text,
	`order_number` text,
	`filler_number` text,
	`status` text NOT NULL,
	`identifiers` text NOT NULL,
	`observed_at` text,
	`title` text
);
--> statement-breakpoint
CREATE INDEX `lab_reports_order_idx` ON `lab_reports` (`order_number`);--> statement-breakpoint
CREATE INDEX `lab_reports_filler_idx` ON `lab_reports` (`filler_number`);--> statement-breakpoint
CREATE TABLE `outbound_messages` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`integration_id` text NOT NULL,
	`order_id` text,
	`kind` text NOT NULL,
	`control_id` text NOT NULL,
	`payload` blob NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`next_attempt_at` text,
	`last_error` text,
	`response` blob,
	`created_at` text NOT NULL,
	`sent_at` text,
	`done_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_id_unique` ON `outbound_messages` (`id`);--> statement-breakpoint
CREATE INDEX `outbound_queue_idx` ON `outbound_messages` (`integration_id`,`status`,`seq`);--> statement-breakpoint
CREATE INDEX `outbound_order_idx` ON `outbound_messages` (`order_id`);