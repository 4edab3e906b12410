CREATE TABLE "payment_plans" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"invoice_id" text NOT NULL,
	"client_id" text NOT NULL,
	"status" text NOT NULL,
	"paid_before_minor" bigint NOT NULL,
	"note" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "plan_installments" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"plan_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"due_date" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "refunds" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"payment_id" text NOT NULL,
	"client_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"from_credit_minor" bigint NOT NULL,
	"status" text NOT NULL,
	"reason" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"provider_ref" text,
	"requested_at" text NOT NULL,
	"settled_at" text,
	"failure" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoices" ADD COLUMN "applied_minor" bigint;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD COLUMN "occurred_at" text;--> statement-breakpoint
ALTER TABLE "payment_allocations" ADD COLUMN "refund_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "integration_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "provider_ref" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "reader_id" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "card_brand" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "card_last4" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "deposit_for" text;--> statement-breakpoint
ALTER TABLE "payments" ADD COLUMN "requested_allocations" text;--> statement-breakpoint
CREATE INDEX "payment_plans_clinic_version_idx" ON "payment_plans" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "plan_installments_clinic_version_idx" ON "plan_installments" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "refunds_clinic_version_idx" ON "refunds" USING btree ("clinic_id","server_version");--> statement-breakpoint
UPDATE "ledger_entries" e SET "occurred_at" = t."occurred_at" FROM "ledger_transactions" t WHERE t."id" = e."transaction_id" AND t."clinic_id" = e."clinic_id" AND e."occurred_at" IS NULL;
--> statement-breakpoint
CREATE TRIGGER refunds_version BEFORE INSERT OR UPDATE ON "refunds" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER payment_plans_version BEFORE INSERT OR UPDATE ON "payment_plans" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER plan_installments_version BEFORE INSERT OR UPDATE ON "plan_installments" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
