CREATE TABLE `outbox_rows` (
	`seq` integer NOT NULL,
	`tbl` text NOT NULL,
	`row_id` text NOT NULL,
	PRIMARY KEY(`seq`, `tbl`, `row_id`)
);
--> statement-breakpoint
CREATE INDEX `outbox_rows_row_idx` ON `outbox_rows` (`tbl`,`row_id`);--> statement-breakpoint
ALTER TABLE `outbox` ADD `actor_id` text;--> statement-breakpoint
CREATE INDEX `outbox_answered_idx` ON `outbox` (`status`,`server_version`);--> statement-breakpoint
ALTER TABLE `sync_shapes` ADD `ready` integer DEFAULT true NOT NULL;--> statement-breakpoint
-- The outbox's changes are [table, rowId, op, hlc, fields]; a mutation's rows are listed as it is written and dropped with it.
CREATE TRIGGER outbox_rows_insert AFTER INSERT ON outbox BEGIN
  INSERT OR IGNORE INTO outbox_rows (seq, tbl, row_id) SELECT NEW.seq, json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(NEW.changes);
END;--> statement-breakpoint
CREATE TRIGGER outbox_rows_delete AFTER DELETE ON outbox BEGIN
  DELETE FROM outbox_rows WHERE seq = OLD.seq;
END;--> statement-breakpoint
INSERT OR IGNORE INTO outbox_rows (seq, tbl, row_id) SELECT o.seq, json_extract(c.value, '$[0]'), json_extract(c.value, '$[1]') FROM outbox o, json_each(o.changes) c;
