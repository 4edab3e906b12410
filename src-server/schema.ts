/**
 * The central server's PostgreSQL schema. The synced tables are derived from the workstation's
 * SQLite schema (src-main/db/schema.ts), so a column added there appears here at the next
 * `drizzle-kit generate --config drizzle.server.config.ts`; the server-only tables follow.
 * Only the primary key is kept from the workstation's constraints: unique indexes such as lab order
 * numbers are per workstation there, and foreign keys would refuse rows whose parents were never
 * pushed (the demo's seeded history).
 */
import { bigint, boolean, customType, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, unique, type PgColumnBuilderBase } from 'drizzle-orm/pg-core'
import { GENESIS_HASH } from '../src-main/audit/chain'
import { SYNCED, type ColumnKind } from '../src-main/sync/tables'

/** How a column's value travels: its Postgres type, and what a push may send for it. */
export type ColumnType = 'text' | 'int8' | 'bool' | 'float8' | 'bytea'

export interface SyncedColumn {
  name: string
  type: ColumnType
  notNull: boolean
  /** the only values a text column takes (the workstation schema's enum) */
  values?: readonly string[]
}

/**
 * append: rows are never updated on a workstation (refused there by triggers or never written by
 * Store.update); the server merges them by union. lww: per-field last-writer-wins by HLC.
 */
export type TableKind = 'append' | 'lww'

export interface SyncedTable {
  name: string
  kind: TableKind
  columns: SyncedColumn[]
  byName: ReadonlyMap<string, SyncedColumn>
  /** columns changed only through a validated transition, not by LWW (lab_orders.status) */
  statusColumn?: string
}


const STATUS_COLUMNS: Record<string, string> = { lab_orders: 'status', invoices: 'status', payments: 'status', refunds: 'status', payment_plans: 'status' }

const PG_TYPE: Record<ColumnKind, ColumnType> = { text: 'text', int: 'int8', bool: 'bool', real: 'float8', blob: 'bytea' }

/** Exactly the workstation's synced tables (src-main/sync/tables.ts), in Postgres types. */
export const SYNCED_TABLES: readonly SyncedTable[] = [...SYNCED.values()].map((t) => {
  const columns = t.columns.map((col) => ({ name: col.name, type: PG_TYPE[col.kind], notNull: col.notNull, ...(col.values ? { values: col.values } : {}) }))
  return { name: t.name, kind: t.appendOnly ? 'append' : 'lww', columns, byName: new Map(columns.map((col) => [col.name, col])), statusColumn: STATUS_COLUMNS[t.name] }
})

export const SYNCED_BY_NAME: ReadonlyMap<string, SyncedTable> = new Map(SYNCED_TABLES.map((t) => [t.name, t]))

// drizzle 0.45's pg-core has no bytea builder.
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

function pgColumn(col: SyncedColumn, primary: boolean): PgColumnBuilderBase {
  let b
  switch (col.type) {
    case 'bool':
      b = boolean(col.name)
      break
    case 'int8':
      b = bigint(col.name, { mode: 'number' })
      break
    case 'float8':
      b = doublePrecision(col.name)
      break
    case 'bytea':
      b = bytea(col.name)
      break
    default:
      b = text(col.name)
  }
  if (primary) return b.primaryKey()
  return col.notNull ? b.notNull() : b
}

function pgSynced(name: string) {
  const t = SYNCED_BY_NAME.get(name)
  if (!t) throw new Error(`${name} is not a synced table of the workstation schema`)
  const columns: Record<string, PgColumnBuilderBase> = {}
  for (const col of t.columns) columns[col.name] = pgColumn(col, col.name === 'id')
  // Per-field clocks for last-writer-wins: { column: hlc }.
  columns.field_hlc = jsonb('field_hlc').notNull().default({})
  return pgTable(name, columns, (c) => [index(`${name}_clinic_version_idx`).on(c.clinic_id, c.server_version)])
}

// drizzle-kit finds tables among the module's exports, so each synced table is named here;
// tests/server/schema.test.ts fails when one of SYNCED_TABLES is missing.
export const clinics = pgSynced('clinics')
export const staff = pgSynced('staff')
export const clients = pgSynced('clients')
export const clientContacts = pgSynced('client_contacts')
export const patients = pgSynced('patients')
export const patientWeights = pgSynced('patient_weights')
export const patientAlerts = pgSynced('patient_alerts')
export const visits = pgSynced('visits')
export const clinicalNotes = pgSynced('clinical_notes')
export const integrations = pgSynced('integrations')
export const labOrders = pgSynced('lab_orders')
export const labOrderEvents = pgSynced('lab_order_events')
export const labReports = pgSynced('lab_reports')
export const labObservations = pgSynced('lab_observations')
export const labReportLinks = pgSynced('lab_report_links')
export const documents = pgSynced('documents')
export const imagingRequests = pgSynced('imaging_requests')
export const imagingStudies = pgSynced('imaging_studies')
export const imagingStudyLinks = pgSynced('imaging_study_links')
export const imagingInstances = pgSynced('imaging_instances')
export const imagingAnnotations = pgSynced('imaging_annotations')
export const priceItems = pgSynced('price_items')
export const taxRates = pgSynced('tax_rates')
export const invoices = pgSynced('invoices')
export const invoiceLines = pgSynced('invoice_lines')
export const payments = pgSynced('payments')
export const paymentAllocations = pgSynced('payment_allocations')
export const ledgerTransactions = pgSynced('ledger_transactions')
export const ledgerEntries = pgSynced('ledger_entries')
export const refunds = pgSynced('refunds')
export const paymentPlans = pgSynced('payment_plans')
export const planInstallments = pgSynced('plan_installments')
export const petlifelogPatients = pgSynced('petlifelog_patients')
export const petlifelogOptOuts = pgSynced('petlifelog_opt_outs')

// ---------------------------------------------------------------- server-only

/** One row per clinic: the version counter every synced write takes its server_version from, and the shape epoch. */
export const syncClinic = pgTable('sync_clinic', {
  clinicId: text('clinic_id').primaryKey(),
  version: bigint('version', { mode: 'number' }).notNull().default(0),
  /** part of every shape handle: bumping it makes every client refetch its shapes (409) */
  epoch: integer('epoch').notNull().default(1),
  createdAt: text('created_at').notNull()
})

/** An enrolled workstation: its credential (hashed) and the last outbox sequence number it pushed. */
export const syncDevice = pgTable(
  'sync_device',
  {
    deviceId: text('device_id').primaryKey(),
    clinicId: text('clinic_id').notNull(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    lastSeq: bigint('last_seq', { mode: 'number' }).notNull().default(0),
    /** the newest entry of the device's audit chain held in sync_audit (0 and the genesis hash: none yet) */
    auditSeq: bigint('audit_seq', { mode: 'number' }).notNull().default(0),
    auditHash: text('audit_hash').notNull().default(GENESIS_HASH),
    createdAt: text('created_at').notNull(),
    /** written at most once a minute (auth.ts) */
    lastSeenAt: text('last_seen_at'),
    revokedAt: text('revoked_at'),
    /** the administrator (staff id) who revoked it from a workstation, that workstation, and why; null when revoked on the server (enroll --revoke-device) */
    revokedBy: text('revoked_by'),
    revokedFromDevice: text('revoked_from_device'),
    revokeReason: text('revoke_reason')
  },
  (t) => [unique('sync_device_token_hash_unique').on(t.tokenHash), index('sync_device_clinic_idx').on(t.clinicId)]
)

/**
 * Every workstation's audit chain, entry by entry as it sent them (src-main/audit/chain.ts): the anchor
 * outside the workstation that shows a rewritten local log (sync/audit.ts). Never updated or deleted.
 */
export const syncAudit = pgTable(
  'sync_audit',
  {
    deviceId: text('device_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: text('id').notNull(),
    hash: text('hash').notNull(),
    prevHash: text('prev_hash').notNull(),
    /** the audit_log row as received, every column */
    entry: jsonb('entry').notNull(),
    receivedAt: text('received_at').notNull()
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.seq] })]
)

/**
 * A wrong PIN typed for a privileged operation (revoking a workstation), kept so that five within
 * ten minutes lock that staff member out of it whichever server instance answers (sync/devices.ts).
 */
export const syncPinFailure = pgTable(
  'sync_pin_failure',
  {
    staffId: text('staff_id').notNull(),
    deviceId: text('device_id').notNull(),
    failedAt: text('failed_at').notNull()
  },
  (t) => [index('sync_pin_failure_staff_idx').on(t.staffId, t.failedAt)]
)

/** An enrollment code (hashed): admits any number of workstations to its clinic until it expires or is revoked. */
export const syncEnrollment = pgTable('sync_enrollment', {
  codeHash: text('code_hash').primaryKey(),
  clinicId: text('clinic_id').notNull(),
  expiresAt: text('expires_at').notNull(),
  revokedAt: text('revoked_at'),
  createdAt: text('created_at').notNull()
})

/** Every pushed mutation's outcome, so a repeat is answered as the first time. */
export const syncMutation = pgTable(
  'sync_mutation',
  {
    mutationId: text('mutation_id').primaryKey(),
    deviceId: text('device_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['applied', 'rejected'] }).notNull(),
    reason: text('reason'),
    serverVersion: bigint('server_version', { mode: 'number' }).notNull(),
    appliedAt: text('applied_at').notNull()
  },
  (t) => [unique('sync_mutation_device_seq_unique').on(t.deviceId, t.seq)]
)
