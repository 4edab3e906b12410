-- The notification names the table as well as the clinic, so a commit wakes only the long-polls
-- following a table it wrote (it woke every table's of the clinic). Notifications with the same
-- payload fold into one per transaction.
CREATE OR REPLACE FUNCTION sync_take_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  UPDATE sync_clinic SET version = version + 1 WHERE clinic_id = NEW.clinic_id RETURNING version INTO v;
  IF v IS NULL THEN
    RAISE EXCEPTION 'unknown clinic %', NEW.clinic_id USING ERRCODE = 'foreign_key_violation';
  END IF;
  NEW.server_version := v;
  PERFORM pg_notify('sync_clinic', NEW.clinic_id || ' ' || TG_TABLE_NAME);
  RETURN NEW;
END
$$;
