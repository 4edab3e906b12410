ALTER TABLE "payments" ADD COLUMN "workstation_id" text;--> statement-breakpoint
ALTER TABLE "refunds" ADD COLUMN "workstation_id" text;