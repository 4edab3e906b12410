/**
 * The write path: a device's outbox mutations, each applied whole, exactly once and in its
 * sequence order (Replicache's push: a repeat is answered from the record, a gap stops the batch,
 * and a rejected mutation still advances the sequence so it is never retried forever).
 */
import { SCHEMA_VERSION } from '../../src-main/db/store'
import type { Db, Queryable } from '../db'
import { applyChanges, parseChange, Rejection, type Change } from './apply'
import type { Device } from './auth'
import { HttpError } from './errors'

export interface PushMutation {
  mutationId: string
  seq: number
  hlc: string
  changes: unknown[]
}

export type PushStatus = 'applied' | 'duplicate' | 'rejected' | 'gap'

export interface PushResult {
  mutationId: string
  status: PushStatus
  /** the clinic's version after the mutation (null for a gap) */
  serverVersion: number | null
  reason: string | null
}

/** The newest schema and the one before it are accepted (expand/contract migrations). */
export const ACCEPTED_SCHEMA_VERSIONS = [SCHEMA_VERSION - 1, SCHEMA_VERSION]

const MAX_MUTATIONS = 1000

/** Checks the envelope; a malformed one is a 400 for the whole request, since its mutations cannot even be recorded. */
export function parsePush(body: unknown, device: Device): PushMutation[] {
  const b = body as { deviceId?: unknown; schemaVersion?: unknown; mutations?: unknown } | null
  if (!b || typeof b !== 'object') throw new HttpError(400, 'bad-request', 'the body is { deviceId, schemaVersion, mutations }')
  if (b.deviceId !== device.deviceId) throw new HttpError(403, 'device-mismatch', "deviceId is not the device of this token")
  if (!ACCEPTED_SCHEMA_VERSIONS.includes(b.schemaVersion as number)) {
    throw new HttpError(409, 'unsupported-schema-version', `schema version ${JSON.stringify(b.schemaVersion)} is not accepted (this server takes ${ACCEPTED_SCHEMA_VERSIONS.join(' and ')})`)
  }
  if (!Array.isArray(b.mutations) || b.mutations.length > MAX_MUTATIONS) throw new HttpError(400, 'bad-request', `mutations is an array of at most ${MAX_MUTATIONS}`)
  return b.mutations.map((m: Partial<PushMutation> | null, i) => {
    if (!m || typeof m.mutationId !== 'string' || m.mutationId.length === 0 || m.mutationId.length > 100) throw new HttpError(400, 'bad-request', `mutations[${i}].mutationId is a string`)
    if (!Number.isSafeInteger(m.seq) || (m.seq as number) < 1) throw new HttpError(400, 'bad-request', `mutations[${i}].seq is a positive integer`)
    if (typeof m.hlc !== 'string' || !Array.isArray(m.changes)) throw new HttpError(400, 'bad-request', `mutations[${i}] needs hlc and changes`)
    return m as PushMutation
  })
}

/**
 * Applies the mutations in order in one transaction, each behind its own savepoint (a rejected one
 * leaves no trace but its record); stops at a gap (it and the rest are answered 'gap'). One commit
 * per request: the clinic's long-polls are woken once for the batch, not once per mutation.
 */
export async function push(db: Db, device: Device, mutations: PushMutation[], now: () => number = Date.now): Promise<PushResult[]> {
  return db.tx(async (q) => {
    // The device row's lock orders two pushes of one device (a retry racing the original).
    const [dev] = await q.query<{ last_seq: number; revoked_at: string | null }>('SELECT last_seq, revoked_at FROM sync_device WHERE device_id = $1 FOR UPDATE', [device.deviceId])
    if (!dev || dev.revoked_at) throw new HttpError(401, 'unauthorized', 'this device was revoked')
    // Taking the clinic's counter first, before any row, gives every writer of a clinic the same lock order.
    await q.query('SELECT 1 FROM sync_clinic WHERE clinic_id = $1 FOR UPDATE', [device.clinicId])
    const results: PushResult[] = []
    let last = dev.last_seq
    for (const m of mutations) {
      if (m.seq > last + 1) {
        const reason = `expected sequence number ${last + 1}, got ${m.seq}`
        for (const rest of mutations.slice(results.length)) results.push({ mutationId: rest.mutationId, status: 'gap', serverVersion: null, reason })
        break
      }
      results.push(m.seq <= last ? await recorded(q, device, m) : await applyOne(q, device, m, now()))
      last = Math.max(last, m.seq)
    }
    if (last !== dev.last_seq || results.length) {
      await q.query('UPDATE sync_device SET last_seq = $2, last_seen_at = $3 WHERE device_id = $1', [device.deviceId, last, new Date(now()).toISOString()])
    }
    return results
  })
}

/** The next mutation of the device: applied whole or rejected whole, and recorded either way. */
async function applyOne(q: Queryable, device: Device, m: PushMutation, now: number): Promise<PushResult> {
  let reason: string | null = null
  const [used] = await q.query('SELECT 1 FROM sync_mutation WHERE mutation_id = $1', [m.mutationId])
  if (used) return { mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `mutation id ${m.mutationId} was already used` }
  await q.query('SAVEPOINT mutation')
  try {
    const changes: Change[] = m.changes.map((c) => parseChange(c, now))
    await applyChanges(q, device.clinicId, changes)
    await q.query('RELEASE SAVEPOINT mutation')
  } catch (e) {
    reason = rejectionReason(e)
    await q.query('ROLLBACK TO SAVEPOINT mutation')
    await q.query('RELEASE SAVEPOINT mutation')
  }
  const status = reason === null ? 'applied' : 'rejected'
  const [{ server_version }] = await q.query<{ server_version: number }>(
    'INSERT INTO sync_mutation (mutation_id, device_id, seq, status, reason, server_version, applied_at) VALUES ($1, $2, $3, $4, $5, (SELECT version FROM sync_clinic WHERE clinic_id = $6), $7) RETURNING server_version',
    [m.mutationId, device.deviceId, m.seq, status, reason, device.clinicId, new Date(now).toISOString()]
  )
  return { mutationId: m.mutationId, status, serverVersion: server_version, reason }
}

/** A repeat: answered as the first time ('duplicate' if it was applied, 'rejected' with its reason if not). */
async function recorded(q: Queryable, device: Device, m: PushMutation): Promise<PushResult> {
  const [r] = await q.query<{ mutation_id: string; status: string; reason: string | null; server_version: number }>('SELECT mutation_id, status, reason, server_version FROM sync_mutation WHERE device_id = $1 AND seq = $2', [device.deviceId, m.seq])
  if (!r) return { mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `sequence number ${m.seq} carried a mutation id already used` }
  if (r.mutation_id !== m.mutationId) return { mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `sequence number ${m.seq} was mutation ${r.mutation_id}` }
  return { mutationId: m.mutationId, status: r.status === 'applied' ? 'duplicate' : 'rejected', serverVersion: r.server_version, reason: r.reason }
}

/** Refusals and bad data are the mutation's fault (rejected for good); anything else is the server's (the push fails and is retried). */
function rejectionReason(e: unknown): string {
  if (e instanceof Rejection) return e.message
  const code = (e as { code?: unknown }).code
  // SQLSTATE classes 22 (data exception: a value Postgres cannot take) and 23 (integrity constraint).
  if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))) return `refused by the database: ${(e as Error).message}`
  throw e
}
