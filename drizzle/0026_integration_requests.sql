CREATE TABLE `integration_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_by_name` text NOT NULL,
	`system` text NOT NULL,
	`vendor` text NOT NULL,
	`model` text NOT NULL,
	`wiring` text NOT NULL,
	`wiring_detail` text,
	`contact_name` text NOT NULL,
	`contact_phone` text,
	`contact_email` text,
	`notes` text,
	`sample_ids` text NOT NULL,
	`identity_removed` integer NOT NULL,
	`categories` text NOT NULL,
	`payload` blob NOT NULL,
	`payload_hash` text NOT NULL,
	`integration_id` text NOT NULL,
	`status` text NOT NULL,
	`ticket` text,
	`outbound_id` text,
	`last_error` text,
	`sent_at` text
);
--> statement-breakpoint
CREATE INDEX `integration_requests_outbound_idx` ON `integration_requests` (`outbound_id`);