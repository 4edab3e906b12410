DROP INDEX `audit_patient_idx`;--> statement-breakpoint
DROP INDEX `audit_integration_idx`;--> statement-breakpoint
DROP INDEX `audit_actor_idx`;--> statement-breakpoint
CREATE INDEX `audit_patient_idx` ON `audit_log` (`patient_id`,`seq`) WHERE "audit_log"."patient_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_integration_idx` ON `audit_log` (`integration_id`,`seq`) WHERE "audit_log"."integration_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `audit_actor_idx` ON `audit_log` (`actor_id`,`seq`) WHERE "audit_log"."actor_id" IS NOT NULL;