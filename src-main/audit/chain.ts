import { createHash } from 'node:crypto'
import type Database from 'better-sqlite3'
import { newId } from '../core/ids'

export const GENESIS_HASH = '0'.repeat(64)

export interface AuditInput {
  action: string
  direction: 'inbound' | 'outbound' | 'internal'
  summary: string
  outcome?: 'ok' | 'refused' | 'error'
  actor?: { id: string; name: string } | null
  integrationId?: string | null
  patientId?: string | null
  entityType?: string | null
  entityId?: string | null
  details?: unknown
  /** when it happened, if not now (an instrument's observation time, a message's send time) */
  occurredAt?: string
}

export interface AuditRow {
  seq: number
  id: string
  clinic_id: string
  device_id: string
  occurred_at: string
  recorded_at: string
  actor_id: string | null
  actor_name: string | null
  action: string
  direction: 'inbound' | 'outbound' | 'internal'
  integration_id: string | null
  patient_id: string | null
  entity_type: string | null
  entity_id: string | null
  outcome: 'ok' | 'refused' | 'error'
  summary: string
  details: string | null
  prev_hash: string
  hash: string
}

const HASHED: (keyof Omit<AuditRow, 'hash'>)[] = [
  'seq', 'id', 'clinic_id', 'device_id', 'occurred_at', 'recorded_at', 'actor_id', 'actor_name', 'action', 'direction',
  'integration_id', 'patient_id', 'entity_type', 'entity_id', 'outcome', 'summary', 'details', 'prev_hash'
]

/** The hash covers every column but itself, seq included, so an edit, a removal or a reorder shows. */
export function entryHash(row: Omit<AuditRow, 'hash'>): string {
  return hashValues(HASHED.map((k) => row[k]))
}

function hashValues(values: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(values)).digest('hex')
}

export interface VerifyResult {
  ok: boolean
  checked: number
  firstBroken: { seq: number; id: string | null; reason: string } | null
}

/**
 * Append-only, hash-chained audit log. Appends join the caller's transaction, so an audit
 * entry exists exactly when the change it describes was committed. The chain head is also
 * kept in device_meta, so removing the newest entries is detected too.
 */
export class AuditLog {
  private readonly lastStmt: Database.Statement
  private readonly insertStmt: Database.Statement
  private readonly headStmt: Database.Statement
  private listeners: ((row: AuditRow) => void)[] = []

  constructor(
    private readonly sqlite: Database.Database,
    private readonly clinicId: string,
    private readonly deviceId: string,
    private readonly now: () => Date = () => new Date()
  ) {
    this.lastStmt = sqlite.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')
    // The columns in hashed order, then the hash: one array serves the hash and the insert.
    this.insertStmt = sqlite.prepare(`INSERT INTO audit_log (${HASHED.join(', ')}, hash) VALUES (${HASHED.map(() => '?').join(', ')}, ?)`)
    this.headStmt = sqlite.prepare(
      "INSERT INTO device_meta (key, value) VALUES ('audit_head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value"
    )
  }

  onAppend(listener: (row: AuditRow) => void): void {
    this.listeners.push(listener)
  }

  append(input: AuditInput): AuditRow {
    const write = () => {
      const last = this.lastStmt.get() as { seq: number; hash: string } | undefined
      const recordedAt = this.now().toISOString()
      const base: Omit<AuditRow, 'hash'> = {
        seq: (last?.seq ?? 0) + 1,
        id: newId(),
        clinic_id: this.clinicId,
        device_id: this.deviceId,
        occurred_at: input.occurredAt ?? recordedAt,
        recorded_at: recordedAt,
        actor_id: input.actor?.id ?? null,
        actor_name: input.actor?.name ?? null,
        action: input.action,
        direction: input.direction,
        integration_id: input.integrationId ?? null,
        patient_id: input.patientId ?? null,
        entity_type: input.entityType ?? null,
        entity_id: input.entityId ?? null,
        outcome: input.outcome ?? 'ok',
        summary: input.summary,
        details: input.details === undefined ? null : JSON.stringify(input.details),
        prev_hash: last?.hash ?? GENESIS_HASH
      }
      const values = HASHED.map((k) => base[k])
      const full: AuditRow = { ...base, hash: hashValues(values) }
      values.push(full.hash)
      this.insertStmt.run(...values)
      this.headStmt.run(`${full.seq}:${full.hash}`)
      return full
    }
    const row = this.sqlite.inTransaction ? write() : this.sqlite.transaction(write)()
    for (const l of this.listeners) l(row)
    return row
  }

  verify(): VerifyResult {
    return verifyChain(this.sqlite)
  }
}

/** Walks the chain in seq order and reports the first entry that does not link or does not hash. */
export function verifyChain(sqlite: Database.Database): VerifyResult {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1
  let checked = 0
  const broken = (seq: number, id: string | null, reason: string): VerifyResult => ({ ok: false, checked, firstBroken: { seq, id, reason } })
  for (const row of sqlite.prepare('SELECT * FROM audit_log ORDER BY seq').iterate() as Iterable<AuditRow>) {
    if (row.seq !== expectedSeq) return broken(row.seq, row.id, `entry ${expectedSeq} is missing (removed)`)
    if (row.prev_hash !== prevHash) return broken(row.seq, row.id, `does not link to entry ${row.seq - 1}: an entry before it was removed, edited or reordered`)
    const { hash, ...rest } = row
    if (entryHash(rest) !== hash) return broken(row.seq, row.id, 'its contents were edited after it was written')
    prevHash = hash
    expectedSeq++
    checked++
  }
  const head = sqlite.prepare("SELECT value FROM device_meta WHERE key = 'audit_head'").get() as { value: string } | undefined
  if (head) {
    const [seq, hash] = head.value.split(':')
    if (Number(seq) !== checked || hash !== prevHash) return broken(checked + 1, null, `the log ends at entry ${checked} but entry ${seq} was written: the newest entries were removed`)
  } else if (checked > 0) {
    return broken(checked, null, 'the chain head record is missing')
  }
  return { ok: true, checked, firstBroken: null }
}
