CREATE TABLE "client_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"client_id" text NOT NULL,
	"kind" text NOT NULL,
	"label" text NOT NULL,
	"value" text NOT NULL,
	"search_key" text NOT NULL,
	"is_primary" boolean NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clients" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"first_name_norm" text NOT NULL,
	"last_name_norm" text NOT NULL,
	"address" text,
	"notes" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clinical_notes" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text NOT NULL,
	"visit_id" text,
	"author_id" text NOT NULL,
	"kind" text NOT NULL,
	"subjective" text,
	"objective" text,
	"assessment" text,
	"plan" text,
	"body" text,
	"amends_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clinics" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"name" text NOT NULL,
	"phone" text,
	"email" text,
	"address" text,
	"timezone" text NOT NULL,
	"currency" text NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text,
	"visit_id" text,
	"source" text NOT NULL,
	"title" text NOT NULL,
	"mime" text NOT NULL,
	"sha256" text NOT NULL,
	"content" "bytea" NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imaging_annotations" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"instance_id" text NOT NULL,
	"version" bigint NOT NULL,
	"annotations" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imaging_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"study_id" text NOT NULL,
	"series_instance_uid" text NOT NULL,
	"series_number" bigint,
	"series_description" text,
	"modality" text,
	"sop_class_uid" text NOT NULL,
	"sop_instance_uid" text NOT NULL,
	"instance_number" bigint,
	"transfer_syntax_uid" text NOT NULL,
	"file" text NOT NULL,
	"sha256" text NOT NULL,
	"bytes" bigint NOT NULL,
	"rows" bigint,
	"columns" bigint,
	"frames" bigint NOT NULL,
	"pixel_spacing" text,
	"imager_pixel_spacing" text,
	"ultrasound_regions" boolean NOT NULL,
	"association_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imaging_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text NOT NULL,
	"visit_id" text,
	"accession_number" text NOT NULL,
	"study_instance_uid" text NOT NULL,
	"modality" text NOT NULL,
	"description" text NOT NULL,
	"scheduled_at" text NOT NULL,
	"scheduled_station_aet" text,
	"status" text NOT NULL,
	"requested_by" text NOT NULL,
	"cancel_reason" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imaging_studies" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"study_instance_uid" text NOT NULL,
	"accession_number" text,
	"identifiers" text NOT NULL,
	"patient_name" text,
	"dicom_patient_id" text,
	"study_date" text,
	"description" text,
	"source_aet" text,
	"integration_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "imaging_study_links" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"study_id" text NOT NULL,
	"action" text NOT NULL,
	"patient_id" text,
	"visit_id" text,
	"request_id" text,
	"automatic" boolean NOT NULL,
	"reason" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "integrations" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean NOT NULL,
	"config" text NOT NULL,
	"approved_by" text,
	"approved_at" text,
	"approved_categories" text NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_observations" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"report_id" text NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"sub_id" text,
	"value_type" text NOT NULL,
	"value_num" double precision,
	"value_text" text,
	"units" text,
	"ref_range" text,
	"ref_low" double precision,
	"ref_high" double precision,
	"flag" text,
	"status" text NOT NULL,
	"observed_at" text,
	"instrument" text,
	"supersedes_id" text,
	"document_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_order_events" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"order_id" text NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"actor_name" text,
	"occurred_at" text NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_orders" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"order_number" text NOT NULL,
	"patient_id" text NOT NULL,
	"visit_id" text,
	"integration_id" text NOT NULL,
	"tests" text NOT NULL,
	"specimen" text,
	"priority" text NOT NULL,
	"note" text,
	"ordered_by" text NOT NULL,
	"status" text NOT NULL,
	"status_detail" text,
	"filler_number" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_report_links" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"report_id" text NOT NULL,
	"action" text NOT NULL,
	"patient_id" text,
	"order_id" text,
	"automatic" boolean NOT NULL,
	"reason" text NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lab_reports" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"inbound_id" text NOT NULL,
	"integration_id" text,
	"order_number" text,
	"filler_number" text,
	"status" text NOT NULL,
	"identifiers" text NOT NULL,
	"observed_at" text,
	"title" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text NOT NULL,
	"kind" text NOT NULL,
	"severity" text NOT NULL,
	"text" text NOT NULL,
	"resolves_id" text,
	"recorded_by" text NOT NULL,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patient_weights" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text NOT NULL,
	"weight_grams" bigint NOT NULL,
	"measured_at" text NOT NULL,
	"recorded_by" text NOT NULL,
	"corrects_id" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "patients" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"client_id" text NOT NULL,
	"name" text NOT NULL,
	"name_norm" text NOT NULL,
	"species" text NOT NULL,
	"breed" text,
	"sex" text NOT NULL,
	"neuter_status" text NOT NULL,
	"date_of_birth" text,
	"dob_estimated" boolean NOT NULL,
	"color" text,
	"microchip" text,
	"microchip_norm" text,
	"microchip_type" text,
	"deceased_at" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"display_name" text NOT NULL,
	"username" text NOT NULL,
	"role" text NOT NULL,
	"pin_hash" text NOT NULL,
	"active" boolean NOT NULL,
	"license_number" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_clinic" (
	"clinic_id" text PRIMARY KEY NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	"epoch" integer DEFAULT 1 NOT NULL,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_device" (
	"device_id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"last_seq" bigint DEFAULT 0 NOT NULL,
	"created_at" text NOT NULL,
	"last_seen_at" text,
	"revoked_at" text,
	CONSTRAINT "sync_device_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "sync_enrollment" (
	"code_hash" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"expires_at" text NOT NULL,
	"revoked_at" text,
	"created_at" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_mutation" (
	"mutation_id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"server_version" bigint NOT NULL,
	"applied_at" text NOT NULL,
	CONSTRAINT "sync_mutation_device_seq_unique" UNIQUE("device_id","seq")
);
--> statement-breakpoint
CREATE TABLE "visits" (
	"id" text PRIMARY KEY NOT NULL,
	"clinic_id" text NOT NULL,
	"created_at" text NOT NULL,
	"updated_at" text NOT NULL,
	"deleted_at" text,
	"server_version" bigint,
	"patient_id" text NOT NULL,
	"veterinarian_id" text,
	"reason" text NOT NULL,
	"status" text NOT NULL,
	"scheduled_at" text,
	"started_at" text,
	"ended_at" text,
	"field_hlc" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "client_contacts_clinic_version_idx" ON "client_contacts" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "clients_clinic_version_idx" ON "clients" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "clinical_notes_clinic_version_idx" ON "clinical_notes" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "clinics_clinic_version_idx" ON "clinics" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "documents_clinic_version_idx" ON "documents" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "imaging_annotations_clinic_version_idx" ON "imaging_annotations" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "imaging_instances_clinic_version_idx" ON "imaging_instances" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "imaging_requests_clinic_version_idx" ON "imaging_requests" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "imaging_studies_clinic_version_idx" ON "imaging_studies" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "imaging_study_links_clinic_version_idx" ON "imaging_study_links" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "integrations_clinic_version_idx" ON "integrations" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "lab_observations_clinic_version_idx" ON "lab_observations" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "lab_order_events_clinic_version_idx" ON "lab_order_events" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "lab_orders_clinic_version_idx" ON "lab_orders" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "lab_report_links_clinic_version_idx" ON "lab_report_links" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "lab_reports_clinic_version_idx" ON "lab_reports" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "patient_alerts_clinic_version_idx" ON "patient_alerts" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "patient_weights_clinic_version_idx" ON "patient_weights" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "patients_clinic_version_idx" ON "patients" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "staff_clinic_version_idx" ON "staff" USING btree ("clinic_id","server_version");--> statement-breakpoint
CREATE INDEX "sync_device_clinic_idx" ON "sync_device" USING btree ("clinic_id");--> statement-breakpoint
CREATE INDEX "visits_clinic_version_idx" ON "visits" USING btree ("clinic_id","server_version");