CREATE TABLE `imaging_review_pending` (
	`study_id` text PRIMARY KEY NOT NULL,
	`study_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `lab_review_pending` (
	`report_id` text PRIMARY KEY NOT NULL,
	`report_seq` integer NOT NULL
);
--> statement-breakpoint
-- A new report or study waits for review; the link written in the same transaction (an automatic attach) takes it out again.
CREATE TRIGGER lab_review_pending_report AFTER INSERT ON lab_reports BEGIN INSERT OR IGNORE INTO lab_review_pending (report_id, report_seq) VALUES (NEW.id, NEW.rowid); END;--> statement-breakpoint
-- The latest link decides: attach or reject takes it out of the queue, detach puts it back.
CREATE TRIGGER lab_review_pending_link AFTER INSERT ON lab_report_links BEGIN
  DELETE FROM lab_review_pending WHERE report_id = NEW.report_id AND NEW.action != 'detach';
  INSERT OR IGNORE INTO lab_review_pending (report_id, report_seq) SELECT id, rowid FROM lab_reports WHERE id = NEW.report_id AND NEW.action = 'detach';
END;--> statement-breakpoint
CREATE TRIGGER imaging_review_pending_study AFTER INSERT ON imaging_studies BEGIN INSERT OR IGNORE INTO imaging_review_pending (study_id, study_seq) VALUES (NEW.id, NEW.rowid); END;--> statement-breakpoint
CREATE TRIGGER imaging_review_pending_link AFTER INSERT ON imaging_study_links BEGIN
  DELETE FROM imaging_review_pending WHERE study_id = NEW.study_id AND NEW.action != 'detach';
  INSERT OR IGNORE INTO imaging_review_pending (study_id, study_seq) SELECT id, rowid FROM imaging_studies WHERE id = NEW.study_id AND NEW.action = 'detach';
END;--> statement-breakpoint
-- What waits today, found the slow way once.
INSERT INTO lab_review_pending (report_id, report_seq)
  SELECT r.id, r.rowid FROM lab_reports r
  WHERE coalesce((SELECT action FROM lab_report_links l WHERE l.report_id = r.id ORDER BY l.rowid DESC LIMIT 1), 'none') IN ('none', 'detach');--> statement-breakpoint
INSERT INTO imaging_review_pending (study_id, study_seq)
  SELECT s.id, s.rowid FROM imaging_studies s
  WHERE coalesce((SELECT action FROM imaging_study_links l WHERE l.study_id = s.id ORDER BY l.rowid DESC LIMIT 1), 'none') IN ('none', 'detach');
