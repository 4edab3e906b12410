-- Every write to a synced table takes the next version of its clinic. The UPDATE locks the
-- clinic's counter row until commit, so writers of one clinic commit in version order and a reader
-- that has seen version N has seen every row up to N (no in-flight version is ever skipped).
-- pg_notify wakes the long-polls of every server instance (one notification per transaction and clinic).
CREATE FUNCTION sync_take_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  UPDATE sync_clinic SET version = version + 1 WHERE clinic_id = NEW.clinic_id RETURNING version INTO v;
  IF v IS NULL THEN
    RAISE EXCEPTION 'unknown clinic %', NEW.clinic_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  NEW.server_version := v;
  PERFORM pg_notify('sync_clinic', NEW.clinic_id);
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER clinics_version BEFORE INSERT OR UPDATE ON "clinics" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER staff_version BEFORE INSERT OR UPDATE ON "staff" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER clients_version BEFORE INSERT OR UPDATE ON "clients" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER client_contacts_version BEFORE INSERT OR UPDATE ON "client_contacts" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER patients_version BEFORE INSERT OR UPDATE ON "patients" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER patient_weights_version BEFORE INSERT OR UPDATE ON "patient_weights" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER patient_alerts_version BEFORE INSERT OR UPDATE ON "patient_alerts" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER visits_version BEFORE INSERT OR UPDATE ON "visits" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER clinical_notes_version BEFORE INSERT OR UPDATE ON "clinical_notes" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER integrations_version BEFORE INSERT OR UPDATE ON "integrations" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER lab_orders_version BEFORE INSERT OR UPDATE ON "lab_orders" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER lab_order_events_version BEFORE INSERT OR UPDATE ON "lab_order_events" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER lab_reports_version BEFORE INSERT OR UPDATE ON "lab_reports" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER lab_observations_version BEFORE INSERT OR UPDATE ON "lab_observations" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER lab_report_links_version BEFORE INSERT OR UPDATE ON "lab_report_links" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER documents_version BEFORE INSERT OR UPDATE ON "documents" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER imaging_requests_version BEFORE INSERT OR UPDATE ON "imaging_requests" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER imaging_studies_version BEFORE INSERT OR UPDATE ON "imaging_studies" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER imaging_study_links_version BEFORE INSERT OR UPDATE ON "imaging_study_links" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER imaging_instances_version BEFORE INSERT OR UPDATE ON "imaging_instances" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
--> statement-breakpoint
CREATE TRIGGER imaging_annotations_version BEFORE INSERT OR UPDATE ON "imaging_annotations" FOR EACH ROW EXECUTE FUNCTION sync_take_version();
