-- The default fills the clinics that exist (and rows pushed by a workstation that predates the column).
ALTER TABLE "clinics" ADD COLUMN "weight_unit" text DEFAULT 'kg' NOT NULL;
