CREATE TABLE "invoice_lines" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"invoice_id" text NOT NULL,
	"price_item_id" text,
	"source" text NOT NULL,
	"source_id" text,
	"description" text NOT NULL,
	"category" text NOT NULL,
	"quantity_milli" bigint NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"discount_minor" bigint NOT NULL,
	"tax_rate_bp" bigint NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"client_id" text NOT NULL,
	"patient_id" text,
	"visit_id" text,
	"number" text,
	"related_id" text,
	"finalized_at" text,
	"net_minor" bigint,
	"tax_minor" bigint,
	"total_minor" bigint,
	"status_reason" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"transaction_id" text NOT NULL,
	"account" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"category" text,
	"client_id" text,
	"invoice_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_transactions" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"kind" text NOT NULL,
	"ref_id" text NOT NULL,
	"occurred_at" text NOT NULL,
	"memo" text NOT NULL,
	"actor_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payment_allocations" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"payment_id" text NOT NULL,
	"invoice_id" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "payments" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"client_id" text NOT NULL,
	"method" text NOT NULL,
	"status" text NOT NULL,
	"amount_minor" bigint NOT NULL,
	"tendered_minor" bigint,
	"reference" text,
	"idempotency_key" text NOT NULL,
	"received_at" text NOT NULL,
	"failure" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "price_items" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"unit_price_minor" bigint NOT NULL,
	"active" boolean NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tax_rates" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"category" text NOT NULL,
	"rate_bp" bigint NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_lines_clinic_version_idx" ON "invoice_lines" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "invoices_clinic_version_idx" ON "invoices" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "ledger_entries_clinic_version_idx" ON "ledger_entries" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "ledger_transactions_clinic_version_idx" ON "ledger_transactions" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "payment_allocations_clinic_version_idx" ON "payment_allocations" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "payments_clinic_version_idx" ON "payments" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "price_items_clinic_version_idx" ON "price_items" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "tax_rates_clinic_version_idx" ON "tax_rates" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE TRIGGER price_items_version BEFORE INSERT OR UPDATE ON "price_items" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER tax_rates_version BEFORE INSERT OR UPDATE ON "tax_rates" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER invoices_version BEFORE INSERT OR UPDATE ON "invoices" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER invoice_lines_version BEFORE INSERT OR UPDATE ON "invoice_lines" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER payments_version BEFORE INSERT OR UPDATE ON "payments" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER payment_allocations_version BEFORE INSERT OR UPDATE ON "payment_allocations" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER ledger_transactions_version BEFORE INSERT OR UPDATE ON "ledger_transactions" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER ledger_entries_version BEFORE INSERT OR UPDATE ON "ledger_entries" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
