/**
 * Audit anchoring. Each workstation's audit log is a hash chain that the workstation alone could
 * rewrite, chain and head together, without a trace. The server keeps a copy of every device's chain
 * (sync_audit) and its head (sync_device.audit_seq/audit_hash), and accepts only entries that
 * continue that head; an entry it already holds must come back identical. So a workstation whose log
 * was rewritten can no longer push: it is answered chain-conflict, naming the entry that differs.
 * Nothing held here is ever changed by a push.
 */
import { entryHash, type AuditRow } from '../../src-main/audit/chain'
import type { Db, Queryable } from '../db'
import type { Device } from './auth'
import { HttpError } from './errors'

export interface AuditHead {
  seq: number
  hash: string
}

export type AuditAnswer =
  | { ok: true; head: AuditHead }
  /** chain-conflict: entry `seq` differs from the one held; chain-gap: `seq` was expected next; bad-entry: entry `seq` is not a sound entry of this device's chain */
  | { ok: false; status: 409 | 422; error: 'chain-conflict' | 'chain-gap' | 'bad-entry'; seq: number; message: string; head: AuditHead }

type Refusal = Omit<Extract<AuditAnswer, { ok: false }>, 'ok' | 'head'>

/** An audit_log row; direction and outcome are not checked against their lists, the hash covers them as sent. */
type Entry = AuditRow

const TEXT = ['id', 'clinic_id', 'device_id', 'occurred_at', 'recorded_at', 'action', 'direction', 'outcome', 'summary', 'prev_hash', 'hash'] as const
const NULLABLE = ['actor_id', 'actor_name', 'integration_id', 'patient_id', 'entity_type', 'entity_id', 'details'] as const

/** The workstation pushes at most 500 at a time. */
const MAX_ENTRIES = 1000

/** Checks the envelope and the shape of each entry; a malformed body is a 400, a body for another device a 403. */
export function parseAuditPush(body: unknown, device: Device): Entry[] {
  const b = body as { deviceId?: unknown; entries?: unknown } | null
  if (!b || typeof b !== 'object') throw new HttpError(400, 'bad-request', 'the body is { deviceId, entries }')
  if (b.deviceId !== device.deviceId) throw new HttpError(403, 'device-mismatch', 'deviceId is not the device of this token')
  if (!Array.isArray(b.entries) || b.entries.length > MAX_ENTRIES) throw new HttpError(400, 'bad-request', `entries is an array of at most ${MAX_ENTRIES} audit_log rows`)
  return b.entries.map((e: Record<string, unknown> | null, i) => {
    if (!e || typeof e !== 'object' || !Number.isSafeInteger(e.seq) || (e.seq as number) < 1) throw new HttpError(400, 'bad-request', `entries[${i}].seq is a positive integer`)
    // Only the chain's columns are kept: they are what the hash covers.
    const entry: Record<string, unknown> = { seq: e.seq }
    for (const k of TEXT) {
      if (typeof e[k] !== 'string') throw new HttpError(400, 'bad-request', `entries[${i}].${k} is a string`)
      entry[k] = e[k]
    }
    for (const k of NULLABLE) {
      if (e[k] !== null && typeof e[k] !== 'string') throw new HttpError(400, 'bad-request', `entries[${i}].${k} is a string or null`)
      entry[k] = e[k]
    }
    return entry as unknown as Entry
  })
}

export async function auditHead(q: Queryable, device: Device): Promise<AuditHead> {
  const [dev] = await q.query<{ audit_seq: number; audit_hash: string }>('SELECT audit_seq, audit_hash FROM sync_device WHERE device_id = $1', [device.deviceId])
  return { seq: dev.audit_seq, hash: dev.audit_hash }
}

/**
 * Takes the entries in order: one already held must be identical, the next one must continue the
 * head, link to it and hash right. Entries before the first refused one are kept (each is a sound
 * continuation); the answer names the refused one.
 */
export async function appendAudit(db: Db, device: Device, entries: Entry[], now: () => number = Date.now): Promise<AuditAnswer> {
  return db.tx(async (q) => {
    // The device row's lock orders two pushes of one device (a retry racing the original).
    const [dev] = await q.query<{ audit_seq: number; audit_hash: string; revoked_at: string | null }>('SELECT audit_seq, audit_hash, revoked_at FROM sync_device WHERE device_id = $1 FOR UPDATE', [device.deviceId])
    if (!dev || dev.revoked_at) throw new HttpError(401, 'unauthorized', 'this device was revoked')
    const held = await heldHashes(q, device, entries, dev.audit_seq)
    let head: AuditHead = { seq: dev.audit_seq, hash: dev.audit_hash }
    const accepted: Entry[] = []
    let refusal: Refusal | null = null
    for (const e of entries) {
      const hash = entryHash(e)
      if (e.seq <= head.seq) {
        if (held.get(e.seq) !== hash || e.hash !== hash) refusal = conflict(e.seq)
      } else if (e.seq > head.seq + 1) {
        refusal = { status: 409, error: 'chain-gap', seq: head.seq + 1, message: `entry ${head.seq + 1} comes next, not ${e.seq}` }
      } else if (e.device_id !== device.deviceId || e.clinic_id !== device.clinicId) {
        refusal = { status: 422, error: 'bad-entry', seq: e.seq, message: `entry ${e.seq} was written by device ${e.device_id} of clinic ${e.clinic_id}, not by this device` }
      } else if (e.hash !== hash) {
        refusal = { status: 422, error: 'bad-entry', seq: e.seq, message: `entry ${e.seq} does not match its hash: its contents were edited after it was written` }
      } else if (e.prev_hash !== head.hash) {
        // It links to another entry `head.seq` than the one held here: the log before it was rewritten.
        refusal = head.seq === 0 ? { status: 422, error: 'bad-entry', seq: 1, message: 'entry 1 does not start a chain' } : conflict(head.seq)
      } else {
        accepted.push(e)
        head = { seq: e.seq, hash }
      }
      if (refusal) break
    }
    if (accepted.length) {
      const receivedAt = new Date(now()).toISOString()
      await q.query(
        `INSERT INTO sync_audit (device_id, seq, id, hash, prev_hash, entry, received_at)
         SELECT $1, (e->>'seq')::bigint, e->>'id', e->>'hash', e->>'prev_hash', e, $3 FROM jsonb_array_elements($2::jsonb) AS e`,
        [device.deviceId, JSON.stringify(accepted), receivedAt]
      )
      await q.query('UPDATE sync_device SET audit_seq = $2, audit_hash = $3, last_seen_at = $4 WHERE device_id = $1', [device.deviceId, head.seq, head.hash, receivedAt])
    }
    return refusal ? { ok: false, ...refusal, head } : { ok: true, head }
  })
}

const conflict = (seq: number): Refusal => ({ status: 409, error: 'chain-conflict', seq, message: `entry ${seq} differs from the one this server holds: the workstation's audit log was rewritten` })

/** The held hashes of the pushed entries the server already has (a retry, or a workstation checking its copy). */
async function heldHashes(q: Queryable, device: Device, entries: Entry[], headSeq: number): Promise<Map<number, string>> {
  const seqs = entries.map((e) => e.seq).filter((s) => s <= headSeq)
  if (seqs.length === 0) return new Map()
  const rows = await q.query<{ seq: number; hash: string }>('SELECT seq, hash FROM sync_audit WHERE device_id = $1 AND seq BETWEEN $2 AND $3', [device.deviceId, Math.min(...seqs), Math.max(...seqs)])
  return new Map(rows.map((r) => [r.seq, r.hash]))
}
