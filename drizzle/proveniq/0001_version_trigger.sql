-- The missing-pet shape's log (src-proveniq/shape.ts). Every write to a report takes the next
-- version from the one report_shape row; the UPDATE locks that row until commit, so reports commit
-- in version order and a follower that has read up to N never misses an N-1 committing late.
-- The handle is random per database: a follower of another (or a rebuilt) database is told to refetch.
INSERT INTO report_shape (id, handle, version) VALUES (1, 'reports-' || replace(gen_random_uuid()::text, '-', ''), 0);
--> statement-breakpoint
CREATE FUNCTION proveniq_take_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  UPDATE report_shape SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
  NEW.version := v;
  -- Wakes the shape's long-polls on every instance; one notification per transaction.
  PERFORM pg_notify('proveniq_reports', '');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER missing_reports_version BEFORE INSERT OR UPDATE ON "missing_reports" FOR EACH ROW EXECUTE FUNCTION proveniq_take_version();
--> statement-breakpoint
-- The service's audit and a chip's earlier owners are records: corrections are new rows.
CREATE FUNCTION proveniq_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;
--> statement-breakpoint
CREATE TRIGGER service_audit_append_only BEFORE UPDATE OR DELETE ON "service_audit" FOR EACH ROW EXECUTE FUNCTION proveniq_append_only();
--> statement-breakpoint
CREATE TRIGGER registry_history_append_only BEFORE UPDATE OR DELETE ON "registry_history" FOR EACH ROW EXECUTE FUNCTION proveniq_append_only();
