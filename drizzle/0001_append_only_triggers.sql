-- Clinical results, money and audit are append-only: corrections are new rows.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER patient_weights_no_update BEFORE UPDATE ON patient_weights BEGIN SELECT RAISE(ABORT, 'patient_weights is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER patient_weights_no_delete BEFORE DELETE ON patient_weights BEGIN SELECT RAISE(ABORT, 'patient_weights is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER patient_alerts_no_update BEFORE UPDATE ON patient_alerts BEGIN SELECT RAISE(ABORT, 'patient_alerts is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER patient_alerts_no_delete BEFORE DELETE ON patient_alerts BEGIN SELECT RAISE(ABORT, 'patient_alerts is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER clinical_notes_no_update BEFORE UPDATE ON clinical_notes BEGIN SELECT RAISE(ABORT, 'clinical_notes is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER clinical_notes_no_delete BEFORE DELETE ON clinical_notes BEGIN SELECT RAISE(ABORT, 'clinical_notes is append-only'); END;
