/**
 * The read path: the subset of Electric's HTTP shape API (`GET /v1/shape`) that the official
 * @electric-sql/client needs (shared/design/sync.md §5), served from row versions. One shape is one
 * synced table of the caller's clinic; the clinic comes from the device token, never from the request.
 *
 * Offsets are `<version>_0`: rows with a greater server_version follow, in version order. The
 * handle `<clinic>-<table>-<epoch>` changes when the clinic's epoch is bumped, and a stale one is
 * answered 409 must-refetch.
 */
import type { Queryable } from '../db'
import { SYNCED_BY_NAME, type SyncedTable } from '../schema'
import type { Device } from './auth'
import { HttpError } from './errors'
import type { ClinicWaiters } from './waiters'

export const PAGE_ROWS = 1000

export interface ShapeQuery {
  table?: string
  offset?: string
  handle?: string
  live?: string
  cursor?: string
}

export interface ShapeResponse {
  status: 200 | 409
  headers: Record<string, string>
  body: unknown[]
}

type Message = { key: string; value: Record<string, string | null>; headers: { operation: 'insert' | 'update'; relation: [string, string] } } | { headers: { control: string } }

const UP_TO_DATE = { headers: { control: 'up-to-date' } }

/** Column types as Electric names them in the `electric-schema` header. */
function schemaHeader(table: SyncedTable): string {
  const schema: Record<string, { type: string; not_null?: true; pk_index?: number }> = {}
  for (const col of table.columns) {
    schema[col.name] = { type: col.type, ...(col.notNull ? { not_null: true as const } : {}), ...(col.name === 'id' ? { pk_index: 0 } : {}) }
  }
  return JSON.stringify(schema)
}

// Every value as Postgres prints it (Electric's wire format): booleans 't'/'f', bytea as \x hex.
function selectList(table: SyncedTable): string {
  return table.columns.map((c) => (c.type === 'bool' ? `CASE WHEN "${c.name}" THEN 't' WHEN NOT "${c.name}" THEN 'f' END AS "${c.name}"` : `"${c.name}"::text AS "${c.name}"`)).join(', ')
}

const schemas = new Map([...SYNCED_BY_NAME.values()].map((t) => [t.name, schemaHeader(t)]))
const selects = new Map([...SYNCED_BY_NAME.values()].map((t) => [t.name, selectList(t)]))

export class ShapeService {
  constructor(
    private readonly db: Queryable,
    private readonly waiters: ClinicWaiters,
    /** how long a live request waits for a change before answering up-to-date */
    private readonly liveTimeoutMs = 20_000
  ) {}

  /** aborted: the client went away, so a waiting long-poll can stop. */
  async serve(device: Device, query: ShapeQuery, aborted: AbortSignal): Promise<ShapeResponse> {
    const table = query.table ? SYNCED_BY_NAME.get(query.table) : undefined
    if (!table) throw new HttpError(400, 'bad-request', `table must be one of the synced tables, not ${JSON.stringify(query.table ?? null)}`)
    const live = query.live === 'true'
    const offset = query.offset ?? '-1'
    const since = offset === '-1' || offset === 'now' ? 0 : parseOffset(offset)
    if (offset !== '-1' && offset !== 'now' && !query.handle) throw new HttpError(400, 'bad-request', 'an offset other than -1 or now needs its handle')
    if (offset === '-1' && live) throw new HttpError(400, 'bad-request', 'live needs an offset from an earlier response')

    const deadline = Date.now() + this.liveTimeoutMs
    let from: number | null = offset === 'now' ? null : since
    for (;;) {
      // Subscribed before reading, so a change committed between the read and the wait still wakes us.
      const wait = live ? this.waiters.wait(device.clinicId, table.name, deadline - Date.now(), aborted) : null
      try {
        const clinic = await this.clinic(device.clinicId)
        const handle = `${device.clinicId}-${table.name}-${clinic.epoch}`
        // A stale epoch, or an offset past this clinic's history (a restored database), cannot be continued.
        if ((query.handle && query.handle !== handle) || since > clinic.version) return mustRefetch(handle)
        from ??= clinic.version
        const rows = await this.page(table, device.clinicId, from, clinic.version)
        if (!wait || rows.length > 0 || Date.now() >= deadline || aborted.aborted) return this.answer(table, handle, from, clinic.version, rows, live, query.cursor)
        await wait.done
        // The caller went away or the server is closing: nobody reads an answer.
        if (aborted.aborted) throw new HttpError(503, 'unavailable', 'the request ended before a change came')
      } finally {
        wait?.cancel()
      }
    }
  }

  private async clinic(clinicId: string): Promise<{ version: number; epoch: number }> {
    const [row] = await this.db.query<{ version: number; epoch: number }>('SELECT version, epoch FROM sync_clinic WHERE clinic_id = $1', [clinicId])
    if (!row) throw new HttpError(401, 'unauthorized', 'this device has no clinic')
    return row
  }

  /**
   * The next rows after version `from`, up to the clinic's committed version `upTo`: every version
   * up to that one belongs to a committed transaction (versions are taken under the clinic's row
   * lock until commit), so nothing later can appear below it. Ordered by the column itself: the
   * bare name would mean its text alias and sort 10 before 9.
   */
  private page(table: SyncedTable, clinicId: string, from: number, upTo: number): Promise<Record<string, string | null>[]> {
    return this.db.query(
      `SELECT ${selects.get(table.name)} FROM "${table.name}" WHERE clinic_id = $1 AND server_version > $2 AND server_version <= $3 ORDER BY "${table.name}".server_version LIMIT ${PAGE_ROWS}`,
      [clinicId, from, upTo]
    )
  }

  private answer(table: SyncedTable, handle: string, from: number, clinicVersion: number, rows: Record<string, string | null>[], live: boolean, cursor: string | undefined): ShapeResponse {
    // A full page continues after its last row; otherwise the client is caught up to the clinic's version.
    const upToDate = rows.length < PAGE_ROWS
    const offset = upToDate ? Math.max(from, clinicVersion) : Number(rows[rows.length - 1].server_version)
    const body: Message[] = rows.map((value) => ({
      key: `"public"."${table.name}"/"${value.id!.replace(/"/g, '""')}"`,
      value,
      // Tombstones are updates that set deleted_at; consumers upsert either way.
      headers: { operation: value.deleted_at === null ? 'insert' : 'update', relation: ['public', table.name] }
    }))
    if (upToDate) body.push(UP_TO_DATE)
    const headers: Record<string, string> = { 'electric-handle': handle, 'electric-offset': `${offset}_0` }
    if (live) headers['electric-cursor'] = nextCursor(cursor)
    else headers['electric-schema'] = schemas.get(table.name)!
    if (upToDate) headers['electric-up-to-date'] = 'true'
    return { status: 200, headers, body }
  }
}

function parseOffset(offset: string): number {
  const m = /^(\d{1,15})_\d{1,15}$/.exec(offset)
  if (!m) throw new HttpError(400, 'bad-request', `offset ${JSON.stringify(offset)} is not -1, now or one this server gave`)
  return Number(m[1])
}

function mustRefetch(handle: string): ShapeResponse {
  return { status: 409, headers: { 'electric-handle': handle }, body: [{ headers: { control: 'must-refetch' } }] }
}

/** Electric's cursor busts caches between live requests: a time step, never the one the client sent back. */
function nextCursor(sent: string | undefined): string {
  const now = String(Math.floor(Date.now() / 1000))
  return now === sent ? String(Number(now) + 1) : now
}
