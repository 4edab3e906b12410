-- Study links and annotation versions are append-only; a stored instance's file and identity never change.
CREATE TRIGGER imaging_study_links_no_update BEFORE UPDATE ON imaging_study_links BEGIN SELECT RAISE(ABORT, 'imaging_study_links is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER imaging_study_links_no_delete BEFORE DELETE ON imaging_study_links BEGIN SELECT RAISE(ABORT, 'imaging_study_links is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER imaging_annotations_no_update BEFORE UPDATE ON imaging_annotations BEGIN SELECT RAISE(ABORT, 'imaging_annotations is append-only: save a new version'); END;
--> statement-breakpoint
CREATE TRIGGER imaging_annotations_no_delete BEFORE DELETE ON imaging_annotations BEGIN SELECT RAISE(ABORT, 'imaging_annotations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER imaging_instances_fixed BEFORE UPDATE OF sop_instance_uid, file, sha256, bytes, transfer_syntax_uid ON imaging_instances BEGIN SELECT RAISE(ABORT, 'a stored instance is kept as it arrived'); END;
--> statement-breakpoint
CREATE TRIGGER imaging_instances_no_delete BEFORE DELETE ON imaging_instances BEGIN SELECT RAISE(ABORT, 'stored instances are kept'); END;
