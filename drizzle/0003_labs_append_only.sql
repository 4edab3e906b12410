-- Lab results, their links and order timelines are append-only; received and sent payloads never change.
CREATE TRIGGER lab_order_events_no_update BEFORE UPDATE ON lab_order_events BEGIN SELECT RAISE(ABORT, 'lab_order_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_order_events_no_delete BEFORE DELETE ON lab_order_events BEGIN SELECT RAISE(ABORT, 'lab_order_events is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_reports_no_update BEFORE UPDATE ON lab_reports BEGIN SELECT RAISE(ABORT, 'lab_reports is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_reports_no_delete BEFORE DELETE ON lab_reports BEGIN SELECT RAISE(ABORT, 'lab_reports is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_observations_no_update BEFORE UPDATE ON lab_observations BEGIN SELECT RAISE(ABORT, 'lab_observations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_observations_no_delete BEFORE DELETE ON lab_observations BEGIN SELECT RAISE(ABORT, 'lab_observations is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_report_links_no_update BEFORE UPDATE ON lab_report_links BEGIN SELECT RAISE(ABORT, 'lab_report_links is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER lab_report_links_no_delete BEFORE DELETE ON lab_report_links BEGIN SELECT RAISE(ABORT, 'lab_report_links is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER inbound_messages_raw_fixed BEFORE UPDATE OF raw, received_at, peer ON inbound_messages WHEN OLD.status != 'receiving' BEGIN SELECT RAISE(ABORT, 'a received message is kept as it arrived'); END;
--> statement-breakpoint
CREATE TRIGGER inbound_messages_no_delete BEFORE DELETE ON inbound_messages BEGIN SELECT RAISE(ABORT, 'received messages are kept'); END;
--> statement-breakpoint
CREATE TRIGGER outbound_messages_payload_fixed BEFORE UPDATE OF payload, control_id ON outbound_messages BEGIN SELECT RAISE(ABORT, 'a queued message is not rewritten; cancel it and queue a new one'); END;
