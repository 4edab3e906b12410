CREATE TABLE "sync_pin_failure" (
	"staff_id" text NOT NULL,
	"device_id" text NOT NULL,
	"failed_at" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_device" ADD COLUMN "revoked_by" text;--> statement-breakpoint
ALTER TABLE "sync_device" ADD COLUMN "revoked_from_device" text;--> statement-breakpoint
ALTER TABLE "sync_device" ADD COLUMN "revoke_reason" text;--> statement-breakpoint
CREATE INDEX "sync_pin_failure_staff_idx" ON "sync_pin_failure" USING btree ("staff_id","failed_at");--> statement-breakpoint
-- A revoked device's open long-polls end at once, on every server instance, however it was revoked
-- (from a workstation or with enroll --revoke-device): the notification is sent at commit.
CREATE FUNCTION sync_device_revoked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('sync_device_revoked', NEW.device_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER sync_device_revoked AFTER UPDATE OF revoked_at ON "sync_device" FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL) EXECUTE FUNCTION sync_device_revoked();
