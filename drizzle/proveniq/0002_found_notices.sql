CREATE TABLE "found_notices" (
	"id" text PRIMARY KEY NOT NULL,
	"member_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"microchip" text,
	"microchip_raw" text,
	"species" text NOT NULL,
	"breed" text,
	"colour" text,
	"sex" text DEFAULT 'unknown' NOT NULL,
	"description" text,
	"found_area" text NOT NULL,
	"found_at" timestamp with time zone NOT NULL,
	"contact" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "found_notices_status_check" CHECK ("found_notices"."status" IN ('open', 'closed'))
);
--> statement-breakpoint
ALTER TABLE "found_notices" ADD CONSTRAINT "found_notices_member_id_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."members"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "found_notices_status_found_idx" ON "found_notices" USING btree ("status","found_at");--> statement-breakpoint
CREATE INDEX "found_notices_member_idx" ON "found_notices" USING btree ("member_id");