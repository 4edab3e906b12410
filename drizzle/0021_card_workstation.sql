ALTER TABLE `payments` ADD `workstation_id` text;--> statement-breakpoint
ALTER TABLE `refunds` ADD `workstation_id` text;