CREATE TABLE `invoice_owed` (
	`invoice_id` text PRIMARY KEY NOT NULL,
	`owed_minor` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger_daily` (
	`day` text NOT NULL,
	`account` text NOT NULL,
	`category` text NOT NULL,
	`amount_minor` integer NOT NULL,
	PRIMARY KEY(`account`, `day`, `category`)
);
--> statement-breakpoint
CREATE INDEX `invoices_related_idx` ON `invoices` (`related_id`);--> statement-breakpoint
CREATE INDEX `payments_deposit_idx` ON `payments` (`deposit_for`);--> statement-breakpoint
CREATE INDEX `payments_provider_idx` ON `payments` (`provider_ref`);--> statement-breakpoint
CREATE INDEX `invoice_owed_open_idx` ON `invoice_owed` (`invoice_id`) WHERE owed_minor != 0;--> statement-breakpoint
-- Every entry, written here or arriving by sync, is added to its day's sum and (a receivable) to its invoice's.
CREATE TRIGGER ledger_entries_rollup AFTER INSERT ON ledger_entries BEGIN
  INSERT INTO ledger_daily (day, account, category, amount_minor) VALUES (coalesce(substr(NEW.occurred_at, 1, 10), substr(NEW.created_at, 1, 10)), NEW.account, coalesce(NEW.category, ''), NEW.amount_minor)
    ON CONFLICT (account, day, category) DO UPDATE SET amount_minor = amount_minor + excluded.amount_minor;
  INSERT INTO invoice_owed (invoice_id, owed_minor) SELECT NEW.invoice_id, NEW.amount_minor WHERE NEW.account = 'receivables' AND NEW.invoice_id IS NOT NULL
    ON CONFLICT (invoice_id) DO UPDATE SET owed_minor = owed_minor + excluded.owed_minor;
END;--> statement-breakpoint
INSERT INTO ledger_daily (day, account, category, amount_minor) SELECT coalesce(substr(occurred_at, 1, 10), substr(created_at, 1, 10)), account, coalesce(category, ''), sum(amount_minor) FROM ledger_entries GROUP BY 1, 2, 3;--> statement-breakpoint
INSERT INTO invoice_owed (invoice_id, owed_minor) SELECT invoice_id, sum(amount_minor) FROM ledger_entries WHERE account = 'receivables' AND invoice_id IS NOT NULL GROUP BY invoice_id;
