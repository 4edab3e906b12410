CREATE TABLE "petlifelog_opt_outs" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"opt_out" boolean NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "petlifelog_patients" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"share_contact" boolean NOT NULL,
	"chip" text,
	"owner_client_id" text,
	"owner_name" text,
	"owner_phone" text,
	"owner_email" text,
	"requested_at" text,
	"device_id" text,
	"registered_at" text,
	"confirmed_at" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "petlifelog_opt_outs_clinic_version_idx" ON "petlifelog_opt_outs" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "petlifelog_patients_clinic_version_idx" ON "petlifelog_patients" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE TRIGGER petlifelog_patients_version BEFORE INSERT OR UPDATE ON "petlifelog_patients" FOR EACH ROW EXECUTE FUNCTION sync_take_version();--> statement-breakpoint
CREATE TRIGGER petlifelog_opt_outs_version BEFORE INSERT OR UPDATE ON "petlifelog_opt_outs" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
