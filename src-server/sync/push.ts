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
import { StaffStandings } from './writers'

export interface PushMutation {
  mutationId: string
  seq: number
  hlc: string
  changes: unknown[]
  /** the staff member whose action wrote it; null or absent for the workstation's own work */
  actorId?: string | null
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
    if (m.actorId !== undefined && m.actorId !== null && (typeof m.actorId !== 'string' || m.actorId.length > 100)) throw new HttpError(400, 'bad-request', `mutations[${i}].actorId is a staff id or null`)
    return m as PushMutation
  })
}

/**
 * Applies the mutations in order in one transaction (one commit per request: the clinic's
 * long-polls are woken once for the batch); stops at a gap (it and the rest are answered 'gap').
 * Most batches reject nothing, so they run without savepoints; the first rejection rolls the batch
 * back and it runs again with a savepoint per mutation, so a rejected one leaves no trace but its record.
 */
export async function push(db: Db, device: Device, mutations: PushMutation[], now: () => number = Date.now): Promise<PushResult[]> {
  try {
    return await db.tx((q) => pushBatch(q, device, mutations, now, false))
  } catch (e) {
    if (!(e instanceof NeedsSavepoints)) throw e
    return db.tx((q) => pushBatch(q, device, mutations, now, true))
  }
}

class NeedsSavepoints extends Error {}

async function pushBatch(q: Queryable, device: Device, mutations: PushMutation[], now: () => number, careful: boolean): Promise<PushResult[]> {
  // The device row's lock orders two pushes of one device (a retry racing the original).
  const [dev] = await q.query<{ last_seq: number; revoked_at: string | null }>('SELECT last_seq, revoked_at FROM sync_device WHERE device_id = $1 FOR UPDATE', [device.deviceId])
  if (!dev || dev.revoked_at) throw new HttpError(401, 'unauthorized', 'this device was revoked')
  // Taking the clinic's counter first, before any row, gives every writer of a clinic the same lock
  // order; holding it, the clinic's version moves only by this batch's writes.
  const [clinic] = await q.query<{ version: number }>('SELECT version FROM sync_clinic WHERE clinic_id = $1 FOR UPDATE', [device.clinicId])
  let version = clinic.version
  const ids = mutations.filter((m) => m.seq > dev.last_seq).map((m) => m.mutationId)
  const used = new Set((await q.query<{ mutation_id: string }>('SELECT mutation_id FROM sync_mutation WHERE mutation_id = ANY($1::text[])', [ids])).map((r) => r.mutation_id))
  const results: PushResult[] = []
  const records: { m: PushMutation; status: 'applied' | 'rejected'; reason: string | null; version: number }[] = []
  const at = new Date(now()).toISOString()
  const staff = new StaffStandings(q, device.clinicId)
  let last = dev.last_seq
  for (const m of mutations) {
    if (m.seq > last + 1) {
      const reason = `expected sequence number ${last + 1}, got ${m.seq}`
      for (const rest of mutations.slice(results.length)) results.push({ mutationId: rest.mutationId, status: 'gap', serverVersion: null, reason })
      break
    }
    if (m.seq <= last) {
      // A repeat: of this request (answered as just decided) or of an earlier one (as recorded then).
      const same = records.find((r) => r.m.seq === m.seq)
      results.push(same ? repeatOf(m, same.m.mutationId, same.status, same.reason, same.version) : await recorded(q, device, m))
      continue
    }
    last = m.seq
    if (used.has(m.mutationId)) {
      results.push({ mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `mutation id ${m.mutationId} was already used` })
      continue
    }
    used.add(m.mutationId)
    let reason: string | null = null
    if (careful) await q.query('SAVEPOINT mutation')
    try {
      const changes: Change[] = m.changes.map((c) => parseChange(c, now()))
      await staff.check(m, changes)
      version = Math.max(version, (await applyChanges(q, device.clinicId, changes)) ?? 0)
      if (careful) await q.query('RELEASE SAVEPOINT mutation')
    } catch (e) {
      reason = rejectionReason(e)
      if (!careful) throw new NeedsSavepoints(reason)
      await q.query('ROLLBACK TO SAVEPOINT mutation')
      await q.query('RELEASE SAVEPOINT mutation')
    }
    const status = reason === null ? 'applied' : 'rejected'
    records.push({ m, status, reason, version })
    results.push({ mutationId: m.mutationId, status, serverVersion: version, reason })
  }
  if (records.length) {
    await q.query(
      `INSERT INTO sync_mutation (mutation_id, device_id, seq, status, reason, server_version, applied_at)
       SELECT id, $1, seq, status, reason, version, $2 FROM unnest($3::text[], $4::bigint[], $5::text[], $6::text[], $7::bigint[]) AS r(id, seq, status, reason, version)`,
      [device.deviceId, at, records.map((r) => r.m.mutationId), records.map((r) => r.m.seq), records.map((r) => r.status), records.map((r) => r.reason), records.map((r) => r.version)]
    )
  }
  if (results.length) await q.query('UPDATE sync_device SET last_seq = $2, last_seen_at = $3 WHERE device_id = $1', [device.deviceId, last, at])
  return results
}

/** A repeat: answered as the first time ('duplicate' if it was applied, 'rejected' with its reason if not). */
async function recorded(q: Queryable, device: Device, m: PushMutation): Promise<PushResult> {
  const [r] = await q.query<{ mutation_id: string; status: string; reason: string | null; server_version: number }>('SELECT mutation_id, status, reason, server_version FROM sync_mutation WHERE device_id = $1 AND seq = $2', [device.deviceId, m.seq])
  if (!r) return { mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `sequence number ${m.seq} carried a mutation id already used` }
  return repeatOf(m, r.mutation_id, r.status, r.reason, r.server_version)
}

function repeatOf(m: PushMutation, recordedId: string, status: string, reason: string | null, version: number): PushResult {
  if (recordedId !== m.mutationId) return { mutationId: m.mutationId, status: 'rejected', serverVersion: null, reason: `sequence number ${m.seq} was mutation ${recordedId}` }
  return { mutationId: m.mutationId, status: status === 'applied' ? 'duplicate' : 'rejected', serverVersion: version, reason }
}

/** Refusals and bad data are the mutation's fault (rejected for good); anything else is the server's (the push fails and is retried). */
function rejectionReason(e: unknown): string {
  if (e instanceof Rejection) return e.message
  const code = (e as { code?: unknown }).code
  // SQLSTATE classes 22 (data exception: a value Postgres cannot take) and 23 (integrity constraint).
  if (typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'))) return `refused by the database: ${(e as Error).message}`
  throw e
}
