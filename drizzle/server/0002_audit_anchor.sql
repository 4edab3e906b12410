CREATE TABLE "sync_audit" (
	"device_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"id" text NOT NULL,
	"hash" text NOT NULL,
	"prev_hash" text NOT NULL,
	"entry" jsonb NOT NULL,
	"received_at" text NOT NULL,
	CONSTRAINT "sync_audit_device_id_seq_pk" PRIMARY KEY("device_id","seq")
);
--> statement-breakpoint
ALTER TABLE "sync_device" ADD COLUMN "audit_seq" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "sync_device" ADD COLUMN "audit_hash" text DEFAULT '0000000000000000000000000000000000000000000000000000000000000000' NOT NULL;