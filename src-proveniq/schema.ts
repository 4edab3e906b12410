/**
 * The PROVENIQ service's PostgreSQL schema (its own database: PetMayday missing-pet reports and the
 * PetLifeLog chip registry, shared by many clinics and shelters). Migrations in drizzle/proveniq,
 * from `npx drizzle-kit generate --config drizzle.proveniq.config.ts`; the version trigger and the
 * append-only triggers are a custom migration beside them.
 *
 * Times are timestamptz (the service compares them: `since`, history), ids UUIDv7 text.
 */
import { sql } from 'drizzle-orm'
import { bigint, boolean, check, customType, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'

// drizzle 0.45's pg-core has no bytea builder.
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const MEMBER_KINDS = ['clinic', 'shelter'] as const
export const REPORT_STATUSES = ['active', 'found', 'closed'] as const
export const RELAY_KINDS = ['sighting', 'lookup', 'found'] as const

/** A clinic or shelter of the network. Only its key's hash is kept; a revoked member's key is refused at once. */
export const members = pgTable(
  'members',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    kind: text('kind', { enum: MEMBER_KINDS }).notNull(),
    keyHash: text('key_hash').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    revokedAt: at('revoked_at')
  },
  (t) => [
    uniqueIndex('members_key_hash_unique').on(t.keyHash),
    // One live member per name: `proveniq:key --member NAME` finds it again to replace its key.
    uniqueIndex('members_live_name_unique').on(sql`lower(${t.name})`).where(sql`${t.revokedAt} IS NULL`),
    check('members_kind_check', sql`${t.kind} IN ('clinic', 'shelter')`)
  ]
)

/**
 * A PetMayday missing-pet report. owner_name and owner_contact are private: they leave the service
 * only in a sighting's answer when share_contact is set, and to the member that filed the report.
 * version is taken from report_shape on every write (trigger), ordering the shape's log.
 */
export const missingReports = pgTable(
  'missing_reports',
  {
    id: text('id').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status', { enum: REPORT_STATUSES }).notNull().default('active'),
    /** normalised as VetOS does (src-main/core/microchip.ts): ISO 15 digits, other formats as read without separators */
    microchip: text('microchip'),
    microchipRaw: text('microchip_raw'),
    species: text('species').notNull(),
    breed: text('breed'),
    colour: text('colour'),
    sex: text('sex').notNull().default('unknown'),
    name: text('name'),
    photo: bytea('photo'),
    photoType: text('photo_type'),
    lastSeenArea: text('last_seen_area').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    ownerName: text('owner_name').notNull(),
    ownerContact: text('owner_contact').notNull(),
    shareContact: boolean('share_contact').notNull().default(false),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
    version: bigint('version', { mode: 'number' }).notNull().default(0)
  },
  (t) => [
    index('missing_reports_version_idx').on(t.version),
    // One active report per chip: a second would raise a second alert for the same pet.
    uniqueIndex('missing_reports_active_chip_unique').on(t.microchip).where(sql`${t.status} = 'active'`),
    index('missing_reports_status_seen_idx').on(t.status, t.lastSeenAt),
    index('missing_reports_member_idx').on(t.memberId),
    check('missing_reports_status_check', sql`${t.status} IN ('active', 'found', 'closed')`),
    check('missing_reports_photo_check', sql`(${t.photo} IS NULL) = (${t.photoType} IS NULL) AND (${t.photo} IS NULL OR octet_length(${t.photo}) <= 2097152)`)
  ]
)

/**
 * The missing-pet shape's log head: every report write takes the next version under this row's
 * lock, so versions follow commit order (as the sync server's sync_clinic), and the handle names
 * this log: replaced, every follower refetches (409).
 */
export const reportShape = pgTable(
  'report_shape',
  {
    id: integer('id').primaryKey(),
    handle: text('handle').notNull(),
    version: bigint('version', { mode: 'number' }).notNull().default(0)
  },
  (t) => [check('report_shape_one_row', sql`${t.id} = 1`)]
)

/** PetLifeLog: a microchip registered to its current owner by the member that registered it. */
export const chipRegistry = pgTable('chip_registry', {
  chip: text('chip').primaryKey(),
  chipRaw: text('chip_raw').notNull(),
  chipType: text('chip_type').notNull(),
  species: text('species'),
  petName: text('pet_name'),
  ownerName: text('owner_name').notNull(),
  ownerPhone: text('owner_phone'),
  ownerEmail: text('owner_email'),
  shareContact: boolean('share_contact').notNull().default(false),
  registeredBy: text('registered_by')
    .notNull()
    .references(() => members.id),
  createdAt: at('created_at').notNull().defaultNow(),
  updatedAt: at('updated_at').notNull().defaultNow()
})

/** Earlier owners and contact details of a chip, kept on every transfer and update (append-only). */
export const registryHistory = pgTable(
  'registry_history',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    chip: text('chip')
      .notNull()
      .references(() => chipRegistry.chip),
    reason: text('reason', { enum: ['transfer', 'update'] }).notNull(),
    ownerName: text('owner_name').notNull(),
    ownerPhone: text('owner_phone'),
    ownerEmail: text('owner_email'),
    shareContact: boolean('share_contact').notNull(),
    petName: text('pet_name'),
    species: text('species'),
    registeredBy: text('registered_by').notNull(),
    /** from when this owner held it (the registration's last update) until it was replaced, and by whom */
    since: at('since').notNull(),
    replacedAt: at('replaced_at').notNull().defaultNow(),
    replacedBy: text('replaced_by')
      .notNull()
      .references(() => members.id)
  },
  (t) => [index('registry_history_chip_idx').on(t.chip, t.replacedAt)]
)

/**
 * A message relayed to an owner (of a report, or of a registered chip) who did not share their
 * contact, or who did. Delivery is outside the service; the row is the record, with the address
 * it is for as it was then (a later transfer does not redirect it).
 */
export const relayMessages = pgTable(
  'relay_messages',
  {
    id: text('id').primaryKey(),
    fromMember: text('from_member')
      .notNull()
      .references(() => members.id),
    kind: text('kind', { enum: RELAY_KINDS }).notNull(),
    reportId: text('report_id').references(() => missingReports.id),
    chip: text('chip'),
    toName: text('to_name').notNull(),
    toContact: text('to_contact').notNull(),
    /** how the owner reaches the finder (a clinic's phone), when given */
    replyTo: text('reply_to'),
    text: text('text').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    deliveredAt: at('delivered_at')
  },
  (t) => [
    index('relay_messages_report_idx').on(t.reportId),
    index('relay_messages_chip_idx').on(t.chip),
    check('relay_messages_kind_check', sql`${t.kind} IN ('sighting', 'lookup', 'found')`),
    check('relay_messages_subject_check', sql`${t.reportId} IS NOT NULL OR ${t.chip} IS NOT NULL`)
  ]
)

/** The service's own audit: who looked up which chip, read which report, changed what (append-only). */
export const serviceAudit = pgTable(
  'service_audit',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** null for the operator's commands (proveniq:key) when no member is concerned */
    memberId: text('member_id').references(() => members.id),
    action: text('action').notNull(),
    /** a chip number, a report id, a member id */
    subject: text('subject'),
    detail: jsonb('detail').notNull().default({}),
    at: at('at').notNull().defaultNow()
  },
  (t) => [index('service_audit_member_idx').on(t.memberId, t.at), index('service_audit_subject_idx').on(t.subject, t.at)]
)

export const FOUND_STATUSES = ['open', 'closed'] as const

/**
 * A found-animal notice: a member has an animal that matched no missing-pet report (no chip, or a
 * chip nobody reported). Members see the list; an owner's clinic or shelter that recognises it
 * calls the finder on the contact given. The finder closes it when the animal goes home.
 */
export const foundNotices = pgTable(
  'found_notices',
  {
    id: text('id').primaryKey(),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status', { enum: FOUND_STATUSES }).notNull().default('open'),
    microchip: text('microchip'),
    microchipRaw: text('microchip_raw'),
    species: text('species').notNull(),
    breed: text('breed'),
    colour: text('colour'),
    sex: text('sex').notNull().default('unknown'),
    description: text('description'),
    foundArea: text('found_area').notNull(),
    foundAt: at('found_at').notNull(),
    /** how the owner (or their clinic) reaches the finder: the member's own contact */
    contact: text('contact').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow()
  },
  (t) => [
    index('found_notices_status_found_idx').on(t.status, t.foundAt),
    index('found_notices_member_idx').on(t.memberId),
    check('found_notices_status_check', sql`${t.status} IN ('open', 'closed')`)
  ]
)
