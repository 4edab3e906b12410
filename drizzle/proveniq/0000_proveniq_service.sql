CREATE TABLE "chip_registry" (
	"chip" text PRIMARY KEY NOT NULL,
	"chip_raw" text NOT NULL,
	"chip_type" text NOT NULL,
	"species" text,
	"pet_name" text,
	"owner_name" text NOT NULL,
	"owner_phone" text,
	"owner_email" text,
	"share_contact" boolean DEFAULT false NOT NULL,
	"registered_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "members" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"key_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "members_kind_check" CHECK ("members"."kind" IN ('clinic', 'shelter'))
);
--> statement-breakpoint
CREATE TABLE "missing_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"member_id" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"microchip" text,
	"microchip_raw" text,
	"species" text NOT NULL,
	"breed" text,
	"colour" text,
	"sex" text DEFAULT 'unknown' NOT NULL,
	"name" text,
	"photo" "bytea",
	"photo_type" text,
	"last_seen_area" text NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"owner_name" text NOT NULL,
	"owner_contact" text NOT NULL,
	"share_contact" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "missing_reports_status_check" CHECK ("missing_reports"."status" IN ('active', 'found', 'closed')),
	CONSTRAINT "missing_reports_photo_check" CHECK (("missing_reports"."photo" IS NULL) = ("missing_reports"."photo_type" IS NULL) AND ("missing_reports"."photo" IS NULL OR octet_length("missing_reports"."photo") <= 2097152))
);
--> statement-breakpoint
CREATE TABLE "registry_history" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "registry_history_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"chip" text NOT NULL,
	"reason" text NOT NULL,
	"owner_name" text NOT NULL,
	"owner_phone" text,
	"owner_email" text,
	"share_contact" boolean NOT NULL,
	"pet_name" text,
	"species" text,
	"registered_by" text NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replaced_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"from_member" text NOT NULL,
	"kind" text NOT NULL,
	"report_id" text,
	"chip" text,
	"to_name" text NOT NULL,
	"to_contact" text NOT NULL,
	"reply_to" text,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "relay_messages_kind_check" CHECK ("relay_messages"."kind" IN ('sighting', 'lookup', 'found')),
	CONSTRAINT "relay_messages_subject_check" CHECK ("relay_messages"."report_id" IS NOT NULL OR "relay_messages"."chip" IS NOT NULL)
);
--> statement-breakpoint
CREATE TABLE "report_shape" (
	"id" integer PRIMARY KEY NOT NULL,
	"handle" text NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "report_shape_one_row" CHECK ("report_shape"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "service_audit" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "service_audit_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"member_id" text,
	"action" text NOT NULL,
	"subject" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "chip_registry" ADD CONSTRAINT "chip_registry_registered_by_members_id_fk" FOREIGN KEY ("registered_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "missing_reports" ADD CONSTRAINT "missing_reports_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_history" ADD CONSTRAINT "registry_history_chip_chip_registry_chip_fk" FOREIGN KEY ("chip") REFERENCES "public"."chip_registry"("chip") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "registry_history" ADD CONSTRAINT "registry_history_replaced_by_members_id_fk" FOREIGN KEY ("replaced_by") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_from_member_members_id_fk" FOREIGN KEY ("from_member") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_messages" ADD CONSTRAINT "relay_messages_report_id_missing_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."missing_reports"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "service_audit" ADD CONSTRAINT "service_audit_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "members_key_hash_unique" ON "members" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "members_live_name_unique" ON "members" USING btree (lower("name")) WHERE "members"."revoked_at" IS NULL;--> statement-breakpoint
CREATE INDEX "missing_reports_version_idx" ON "missing_reports" USING btree ("version");--> statement-breakpoint
CREATE UNIQUE INDEX "missing_reports_active_chip_unique" ON "missing_reports" USING btree ("microchip") WHERE "missing_reports"."status" = 'active';--> statement-breakpoint
CREATE INDEX "missing_reports_status_seen_idx" ON "missing_reports" USING btree ("status","last_seen_at");--> statement-breakpoint
CREATE INDEX "missing_reports_member_idx" ON "missing_reports" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "registry_history_chip_idx" ON "registry_history" USING btree ("chip","replaced_at");--> statement-breakpoint
CREATE INDEX "relay_messages_report_idx" ON "relay_messages" USING btree ("report_id");--> statement-breakpoint
CREATE INDEX "relay_messages_chip_idx" ON "relay_messages" USING btree ("chip");--> statement-breakpoint
CREATE INDEX "service_audit_member_idx" ON "service_audit" USING btree ("member_id","at");--> statement-breakpoint
CREATE INDEX "service_audit_subject_idx" ON "service_audit" USING btree ("subject","at");