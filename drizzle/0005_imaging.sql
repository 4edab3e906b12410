CREATE TABLE `dicom_associations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`calling_aet` text NOT NULL,
	`called_aet` text NOT NULL,
	`peer` text NOT NULL,
	`integration_id` text,
	`started_at` text NOT NULL,
	`ended_at` text,
	`outcome` text NOT NULL,
	`stored` integer NOT NULL,
	`failed` integer NOT NULL,
	`queries` integer NOT NULL,
	`bytes` integer NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `dicom_associations_id_unique` ON `dicom_associations` (`id`);--> statement-breakpoint
CREATE TABLE `imaging_annotations` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`instance_id` text NOT NULL,
	`version` integer NOT NULL,
	`annotations` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	FOREIGN KEY (`instance_id`) REFERENCES `imaging_instances`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `imaging_annotations_version_idx` ON `imaging_annotations` (`instance_id`,`version`);--> statement-breakpoint
CREATE TABLE `imaging_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`study_id` text NOT NULL,
	`series_instance_uid` text NOT NULL,
	`series_number` integer,
	`series_description` text,
	`modality` text,
	`sop_class_uid` text NOT NULL,
	`sop_instance_uid` text NOT NULL,
	`instance_number` integer,
	`transfer_syntax_uid` text NOT NULL,
	`file` text NOT NULL,
	`sha256` text NOT NULL,
	`bytes` integer NOT NULL,
	`rows` integer,
	`columns` integer,
	`frames` integer NOT NULL,
	`pixel_spacing` text,
	`imager_pixel_spacing` text,
	`ultrasound_regions` integer NOT NULL,
	`association_id` text,
	FOREIGN KEY (`study_id`) REFERENCES `imaging_studies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `imaging_instances_sop_idx` ON `imaging_instances` (`sop_instance_uid`);--> statement-breakpoint
CREATE INDEX `imaging_instances_study_idx` ON `imaging_instances` (`study_id`);--> statement-breakpoint
CREATE TABLE `imaging_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`patient_id` text NOT NULL,
	`visit_id` text,
	`accession_number` text NOT NULL,
	`study_instance_uid` text NOT NULL,
	`modality` text NOT NULL,
	`description` text NOT NULL,
	`scheduled_at` text NOT NULL,
	`scheduled_station_aet` text,
	`status` text NOT NULL,
	`requested_by` text NOT NULL,
	`cancel_reason` text,
	FOREIGN KEY (`patient_id`) REFERENCES `patients`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `imaging_requests_accession_idx` ON `imaging_requests` (`accession_number`);--> statement-breakpoint
CREATE UNIQUE INDEX `imaging_requests_study_uid_idx` ON `imaging_requests` (`study_instance_uid`);--> statement-breakpoint
CREATE INDEX `imaging_requests_patient_idx` ON `imaging_requests` (`patient_id`);--> statement-breakpoint
CREATE INDEX `imaging_requests_scheduled_idx` ON `imaging_requests` (`status`,`scheduled_at`);--> statement-breakpoint
CREATE TABLE `imaging_studies` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`study_instance_uid` text NOT NULL,
	`accession_number` text,
	`identifiers` text NOT NULL,
	`patient_name` text,
	`dicom_patient_id` text,
	`study_date` text,
	`description` text,
	`source_aet` text,
	`integration_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `imaging_studies_uid_idx` ON `imaging_studies` (`study_instance_uid`);--> statement-breakpoint
CREATE INDEX `imaging_studies_accession_idx` ON `imaging_studies` (`accession_number`);--> statement-breakpoint
CREATE TABLE `imaging_study_links` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`study_id` text NOT NULL,
	`action` text NOT NULL,
	`patient_id` text,
	`visit_id` text,
	`request_id` text,
	`automatic` integer NOT NULL,
	`reason` text NOT NULL,
	`actor_id` text,
	`actor_name` text,
	FOREIGN KEY (`study_id`) REFERENCES `imaging_studies`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imaging_study_links_study_idx` ON `imaging_study_links` (`study_id`);--> statement-breakpoint
CREATE INDEX `imaging_study_links_patient_idx` ON `imaging_study_links` (`patient_id`);