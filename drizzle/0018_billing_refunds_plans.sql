CREATE TABLE `payment_plans` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`invoice_id` text NOT NULL,
	`client_id` text NOT NULL,
	`status` text NOT NULL,
	`paid_before_minor` integer NOT NULL,
	`note` text
);
--> statement-breakpoint
CREATE INDEX `payment_plans_invoice_idx` ON `payment_plans` (`invoice_id`);--> statement-breakpoint
CREATE INDEX `payment_plans_client_idx` ON `payment_plans` (`client_id`);--> statement-breakpoint
CREATE TABLE `plan_installments` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`plan_id` text NOT NULL,
	`seq` integer NOT NULL,
	`due_date` text NOT NULL,
	`amount_minor` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `plan_installments_plan_idx` ON `plan_installments` (`plan_id`,`seq`);--> statement-breakpoint
CREATE INDEX `plan_installments_due_idx` ON `plan_installments` (`due_date`);--> statement-breakpoint
CREATE TABLE `refunds` (
	`id` text PRIMARY KEY NOT NULL,
	`clinic_id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`server_version` integer,
	`payment_id` text NOT NULL,
	`client_id` text NOT NULL,
	`amount_minor` integer NOT NULL,
	`from_credit_minor` integer NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`idempotency_key` text NOT NULL,
	`provider_ref` text,
	`requested_at` text NOT NULL,
	`settled_at` text,
	`failure` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `refunds_idempotency_idx` ON `refunds` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `refunds_payment_idx` ON `refunds` (`payment_id`);--> statement-breakpoint
CREATE INDEX `refunds_requested_idx` ON `refunds` (`requested_at`);--> statement-breakpoint
CREATE TABLE `workstation_secrets` (
	`integration_id` text NOT NULL,
	`field` text NOT NULL,
	`sealed` text NOT NULL,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`integration_id`, `field`)
);
--> statement-breakpoint
ALTER TABLE `invoices` ADD `applied_minor` integer;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `occurred_at` text;--> statement-breakpoint
CREATE INDEX `ledger_entries_period_idx` ON `ledger_entries` (`account`,`occurred_at`,`category`,`amount_minor`);--> statement-breakpoint
CREATE INDEX `ledger_entries_owed_idx` ON `ledger_entries` (`account`,`invoice_id`,`amount_minor`);--> statement-breakpoint
ALTER TABLE `payment_allocations` ADD `refund_id` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `integration_id` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `provider_ref` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `reader_id` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `card_brand` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `card_last4` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `deposit_for` text;--> statement-breakpoint
ALTER TABLE `payments` ADD `requested_allocations` text;--> statement-breakpoint
-- Entries posted before they carried their transaction's time get it once (the append-only trigger steps aside for this alone).
DROP TRIGGER ledger_entries_no_update;--> statement-breakpoint
UPDATE ledger_entries SET occurred_at = (SELECT t.occurred_at FROM ledger_transactions t WHERE t.id = ledger_entries.transaction_id) WHERE occurred_at IS NULL;--> statement-breakpoint
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries BEGIN SELECT RAISE(ABORT, 'ledger_entries is append-only'); END;--> statement-breakpoint
-- A plan's schedule is fixed once made: a new schedule is a new plan.
CREATE TRIGGER plan_installments_no_update BEFORE UPDATE ON plan_installments BEGIN SELECT RAISE(ABORT, 'plan_installments is append-only'); END;--> statement-breakpoint
CREATE TRIGGER plan_installments_no_delete BEFORE DELETE ON plan_installments BEGIN SELECT RAISE(ABORT, 'plan_installments is append-only'); END;
