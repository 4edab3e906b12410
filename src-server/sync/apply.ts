/**
 * Validates and merges one pushed change into PostgreSQL, by the rules of its kind of data
 * (shared/design/sync.md): append-only rows merge by union, ordinary fields by per-field HLC
 * last-writer-wins, a status by validated transitions, and a tombstone wins over every later edit.
 * Nothing is trusted because a workstation sent it: table, columns, types and clinic are checked.
 */
import { parseHlc } from '../../src-main/core/hlc'
import { advance, ORDER_STATUSES, type OrderStatus } from '../../src-main/labs/lifecycle'
import type { Queryable } from '../db'
import { SYNCED_BY_NAME, type SyncedColumn, type SyncedTable } from '../schema'

/** A change the server refuses; the whole mutation is rejected with this reason. */
export class Rejection extends Error {}

export type Op = 'insert' | 'update' | 'delete'

export interface Change {
  table: SyncedTable
  rowId: string
  op: Op
  hlc: string
  /** SQL column name → value as sent (JSON) */
  row: Record<string, unknown>
}

/** Clocks further ahead than this are refused: one such write would win every later edit. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000

/** A status changes only by the table's transition rule; its detail column moves with it. */
interface StatusRule {
  detail: string
  statuses: readonly string[]
  /** event: the status of the timeline entry the same mutation wrote for this row, if any */
  next(current: string, next: string, event: string | undefined): string | null
}

/** A status that only moves forward along these edges; anything else leaves the stored one. */
function forward(edges: Record<string, readonly string[]>): StatusRule['next'] {
  return (current, next) => (edges[current]?.includes(next) ? next : null)
}

const STATUS_RULES: Record<string, StatusRule> = {
  lab_orders: { detail: 'status_detail', statuses: ORDER_STATUSES, next: (current, next, event) => advance(current as OrderStatus, next as OrderStatus, { correction: event === 'corrected', resubmit: event === 'queued' }) },
  // A finalized invoice never goes back to draft: corrections are credit notes.
  invoices: { detail: 'status_reason', statuses: ['draft', 'finalized', 'void', 'written_off'], next: forward({ draft: ['finalized', 'void'], finalized: ['void', 'written_off'] }) },
  // A payment settles once: a late "pending" or a second outcome changes nothing.
  payments: { detail: 'failure', statuses: ['pending', 'succeeded', 'failed', 'canceled'], next: forward({ pending: ['succeeded', 'failed', 'canceled'] }) },
  refunds: { detail: 'failure', statuses: ['pending', 'succeeded', 'failed'], next: forward({ pending: ['succeeded', 'failed'] }) },
  payment_plans: { detail: 'note', statuses: ['active', 'canceled'], next: forward({ active: ['canceled'] }) }
}
for (const t of SYNCED_BY_NAME.values()) if (t.statusColumn && !STATUS_RULES[t.name]) throw new Error(`${t.name}.${t.statusColumn} is a status without a transition rule`)

/** [table, rowId, op, hlc, row] as pushed → a Change, or a Rejection saying what is wrong. */
export function parseChange(raw: unknown, now: number): Change {
  if (!Array.isArray(raw) || raw.length !== 5) throw new Rejection('a change is [table, rowId, op, hlc, row]')
  const [tableName, rowId, op, hlc, row] = raw as unknown[]
  const table = typeof tableName === 'string' ? SYNCED_BY_NAME.get(tableName) : undefined
  if (!table) throw new Rejection(`${JSON.stringify(tableName)} is not a synced table`)
  if (typeof rowId !== 'string' || rowId.length === 0 || rowId.length > 200) throw new Rejection(`${table.name}: a row id is a non-empty string`)
  if (op !== 'insert' && op !== 'update' && op !== 'delete') throw new Rejection(`${table.name} ${rowId}: unknown operation ${JSON.stringify(op)}`)
  if (typeof hlc !== 'string') throw new Rejection(`${table.name} ${rowId}: the clock value is a string`)
  let ms: number
  try {
    ms = parseHlc(hlc).ms
  } catch {
    throw new Rejection(`${table.name} ${rowId}: ${JSON.stringify(hlc)} is not a hybrid logical clock value`)
  }
  if (ms > now + MAX_CLOCK_AHEAD_MS) throw new Rejection(`${table.name} ${rowId}: clock value ${hlc} is more than 5 minutes ahead of the server`)
  if (!row || typeof row !== 'object' || Array.isArray(row)) throw new Rejection(`${table.name} ${rowId}: the row is an object of columns`)
  return { table, rowId, op, hlc, row: row as Record<string, unknown> }
}

/**
 * Applies a mutation's changes in order, inside the caller's transaction; throws a Rejection on the
 * first bad one. Answers the highest server version it wrote (null if every change merged to nothing).
 */
export async function applyChanges(q: Queryable, clinicId: string, changes: Change[]): Promise<number | null> {
  // A reviewed order reopens to final only for a correction, and a failed or rejected one goes back
  // to the queue only for a resubmission; the workstation records either on the order's timeline in
  // the same transaction, and the server reads the intent from there.
  checkLedger(changes)
  const events = new Map<string, string>()
  for (const c of changes) if (c.table.name === 'lab_order_events' && c.op === 'insert' && typeof c.row.status === 'string' && typeof c.row.order_id === 'string') events.set(c.row.order_id, c.row.status)
  let top: number | null = null
  for (const c of changes) {
    const v = await applyChange(q, clinicId, c, events)
    if (v !== null) top = Math.max(top ?? 0, v)
  }
  return top
}

/**
 * The books balance: a ledger transaction arrives with all its entries in one mutation, and they
 * sum to zero. An entry of a transaction that is not in the mutation is refused too.
 */
function checkLedger(changes: Change[]): void {
  const sums = new Map<string, number>()
  for (const c of changes) {
    if (c.table.name !== 'ledger_entries' || c.op !== 'insert') continue
    const tx = c.row.transaction_id
    const amount = c.row.amount_minor
    if (typeof tx !== 'string' || typeof amount !== 'number' || !Number.isSafeInteger(amount)) throw new Rejection(`ledger_entries ${c.rowId}: a transaction id and an integer amount are needed`)
    sums.set(tx, (sums.get(tx) ?? 0) + amount)
  }
  const txs = new Set(changes.filter((c) => c.table.name === 'ledger_transactions' && c.op === 'insert').map((c) => c.rowId))
  for (const [tx, sum] of sums) {
    if (!txs.has(tx)) throw new Rejection(`ledger entries of transaction ${tx} came without it: a transaction and its entries are one mutation`)
    if (sum !== 0) throw new Rejection(`ledger transaction ${tx} does not balance: its entries sum to ${sum}`)
  }
  for (const tx of txs) if (!sums.has(tx)) throw new Rejection(`ledger transaction ${tx} has no entries`)
}

async function applyChange(q: Queryable, clinicId: string, c: Change, events: ReadonlyMap<string, string>): Promise<number | null> {
  const { table, rowId, op } = c
  const fields = checkRow(c, clinicId)
  if (op === 'insert') return insert(q, clinicId, c, fields, events)
  if (table.kind === 'append') throw new Rejection(`${table.name} is append-only: ${op} of ${rowId} refused`)
  const existing = await read(q, table, rowId, clinicId)
  if (!existing) throw new Rejection(`${table.name} ${rowId} does not exist`)
  if (fields.has('created_at')) throw new Rejection(`${table.name} ${rowId}: created_at never changes`)
  if (op === 'update' && fields.has('deleted_at')) throw new Rejection(`${table.name} ${rowId}: deleted_at is set by a delete only`)
  if (op === 'delete') {
    for (const key of fields.keys()) if (key !== 'deleted_at' && key !== 'updated_at') throw new Rejection(`${table.name} ${rowId}: a delete carries deleted_at and updated_at only, not ${key}`)
    if (fields.get('deleted_at') == null) throw new Rejection(`${table.name} ${rowId}: a delete sets deleted_at`)
  }
  return merge(q, c, existing, fields, events)
}

/** The row's columns as query parameters, checked against the table; id and clinic_id must be the change's own. */
function checkRow({ table, rowId, op, row }: Change, clinicId: string): Map<string, unknown> {
  const fields = new Map<string, unknown>()
  for (const [key, value] of Object.entries(row)) {
    const col = table.byName.get(key)
    if (!col) throw new Rejection(`${table.name} has no column ${JSON.stringify(key)}`)
    if (key === 'server_version') continue // the server's to set
    if (key === 'id') {
      if (value !== rowId) throw new Rejection(`${table.name} ${rowId}: the row's id differs from the change's`)
      continue
    }
    if (key === 'clinic_id') {
      if (value !== clinicId) throw new Rejection(`${table.name} ${rowId}: clinic_id is not this device's clinic`)
      continue
    }
    const param = toParam(table, col, value, rowId)
    const rule = STATUS_RULES[table.name]
    if (key === table.statusColumn && rule && !rule.statuses.includes(param as string)) throw new Rejection(`${table.name} ${rowId}: unknown status ${JSON.stringify(value)}`)
    fields.set(key, param)
  }
  if (op === 'insert') {
    for (const col of table.columns) {
      if (col.notNull && col.name !== 'id' && col.name !== 'clinic_id' && !fields.has(col.name)) throw new Rejection(`${table.name} ${rowId}: an insert needs ${col.name}`)
    }
  }
  return fields
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
/** No field of a clinic record is longer (notes and JSON included); files travel as blobs or bytea. */
const MAX_TEXT = 1_000_000

function toParam(table: SyncedTable, col: SyncedColumn, v: unknown, rowId: string): unknown {
  const bad = (what: string) => new Rejection(`${table.name} ${rowId}: ${col.name} must be ${what}, not ${JSON.stringify(v)?.slice(0, 40)}`)
  if (v === null) {
    if (col.notNull) throw bad('set')
    return null
  }
  switch (col.type) {
    case 'text':
      if (typeof v !== 'string') throw bad('text')
      if (col.values && !col.values.includes(v)) throw bad(`one of ${col.values.join(', ')}`)
      if (v.length > MAX_TEXT) throw bad(`at most ${MAX_TEXT.toLocaleString('en-US')} characters`)
      return v
    case 'int8':
      if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw bad('an integer')
      return v
    case 'float8':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number')
      return v
    case 'bool':
      // SQLite keeps booleans as 0/1; either form is accepted.
      if (v === true || v === 1) return true
      if (v === false || v === 0) return false
      throw bad('a boolean')
    case 'bytea':
      if (typeof v !== 'string' || v.length % 4 !== 0 || !BASE64.test(v)) throw bad('base64')
      return Buffer.from(v, 'base64')
  }
}

interface Existing {
  deleted_at: string | null
  field_hlc: Record<string, string>
  status_value?: string
}

/** The stored row's merge state; a row of another clinic is refused, never merged or revealed. */
async function read(q: Queryable, table: SyncedTable, rowId: string, clinicId: string): Promise<Existing | undefined> {
  const status = table.statusColumn ? `, "${table.statusColumn}" AS status_value` : ''
  const [row] = await q.query<Existing & { clinic_id: string }>(`SELECT clinic_id, deleted_at, field_hlc${status} FROM "${table.name}" WHERE id = $1`, [rowId])
  if (row && row.clinic_id !== clinicId) throw new Rejection(`${table.name} ${rowId} is not a row of this device's clinic`)
  return row
}

async function insert(q: Queryable, clinicId: string, c: Change, fields: Map<string, unknown>, events: ReadonlyMap<string, string>): Promise<number | null> {
  const { table, rowId, hlc } = c
  const stamps: Record<string, string> = {}
  if (table.kind === 'lww') for (const key of fields.keys()) if (key !== 'created_at') stamps[key] = hlc
  const columns = ['id', 'clinic_id', ...fields.keys(), 'field_hlc']
  const params = [rowId, clinicId, ...fields.values(), JSON.stringify(stamps)]
  const placeholders = params.map((_, i) => (i === params.length - 1 ? `$${i + 1}::jsonb` : `$${i + 1}`))
  const inserted = await q.query<{ server_version: number }>(`INSERT INTO "${table.name}" (${columns.map((k) => `"${k}"`).join(', ')}) VALUES (${placeholders.join(', ')}) ON CONFLICT (id) DO NOTHING RETURNING server_version`, params)
  if (inserted.length === 1) return inserted[0].server_version
  // The id exists: an append-only row is the same record again (union); a mutable one merges by field.
  const existing = await read(q, table, rowId, clinicId)
  if (!existing || table.kind === 'append') return null
  return merge(q, c, existing, fields, events)
}

/** Writes the fields that win: none once the row is a tombstone, the tombstone itself, else each field whose clock is newer. */
async function merge(q: Queryable, { table, rowId, hlc }: Change, existing: Existing, fields: Map<string, unknown>, events: ReadonlyMap<string, string>): Promise<number | null> {
  if (existing.deleted_at !== null) return null
  const set = new Map<string, unknown>()
  const stamps: Record<string, string> = {}
  const write = (key: string, value: unknown) => {
    set.set(key, value)
    stamps[key] = hlc
  }
  const newer = (key: string) => existing.field_hlc[key] === undefined || compareHlc(hlc, existing.field_hlc[key]) > 0
  if (fields.get('deleted_at') != null) {
    write('deleted_at', fields.get('deleted_at'))
    if (fields.has('updated_at') && newer('updated_at')) write('updated_at', fields.get('updated_at'))
  } else {
    // A status in the change moves only by its rule, and its detail with it.
    const rule = table.statusColumn && fields.has(table.statusColumn) ? { column: table.statusColumn, ...STATUS_RULES[table.name] } : null
    for (const [key, value] of fields) {
      if (key === 'created_at' || key === 'deleted_at' || key === rule?.column || key === rule?.detail) continue
      if (newer(key)) write(key, value)
    }
    if (rule) {
      // Not last-writer-wins: a transition the rule refuses (a late or backward status) leaves the stored one.
      const to = rule.next(existing.status_value!, fields.get(rule.column) as string, events.get(rowId))
      if (to) {
        write(rule.column, to)
        if (fields.has(rule.detail)) write(rule.detail, fields.get(rule.detail))
      }
    }
  }
  if (set.size === 0) return null
  const params = [...set.values(), JSON.stringify(stamps), rowId]
  const assignments = [...set.keys()].map((k, i) => `"${k}" = $${i + 1}`)
  const [row] = await q.query<{ server_version: number }>(`UPDATE "${table.name}" SET ${assignments.join(', ')}, field_hlc = field_hlc || $${set.size + 1}::jsonb WHERE id = $${set.size + 2} RETURNING server_version`, params)
  return row.server_version
}

/** Clock order: time, then counter, then device id (the string's tail) to break ties. */
export function compareHlc(a: string, b: string): number {
  const x = parseHlc(a)
  const y = parseHlc(b)
  return x.ms - y.ms || x.counter - y.counter || (a < b ? -1 : a > b ? 1 : 0)
}
