/**
 * The active missing-pet list as an Electric shape (`GET /v1/shape/reports`), in the subset of
 * Electric's HTTP protocol that src-server/sync/shape.ts serves and the official
 * @electric-sql/client follows (shared/design/sync.md §5). That module's ShapeService is tied to
 * the clinic's synced tables and clinic versions, so this is the smaller equivalent for one table;
 * it reuses its types, page size and the long-poll waiters.
 *
 * The log is missing_reports ordered by `version` (taken from report_shape under its row lock,
 * so in commit order). Active reports are sent whole (public columns only) as inserts; a report
 * that is no longer active is sent as a delete of its key, which a follower's Shape removes.
 *
 * Offsets are `<version>_<horizon>`: the horizon is the log's head when the follower's first sync
 * began. A report that stopped being active at or before it was never sent to that follower
 * (every row it has seen changed after the horizon, or was active then), so the first sync skips
 * those instead of sending one delete per closed report in the service's history.
 */
import type { Queryable } from '../src-server/db'
import { HttpError } from '../src-server/sync/errors'
import { PAGE_ROWS, type ShapeQuery, type ShapeResponse } from '../src-server/sync/shape'
import type { ClinicWaiters } from '../src-server/sync/waiters'

export const SHAPE_TABLE = 'missing_reports'
/** The waiters are keyed by clinic and table; the service has one log. */
export const WAIT_SPACE = 'proveniq'
export const REPORTS_CHANNEL = 'proveniq_reports'

const UTC = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

// Every value as text (Electric's wire format): booleans 't'/'f', times ISO 8601 in UTC.
const COLUMNS: [name: string, type: string, notNull: boolean, sql: string][] = [
  ['id', 'text', true, 'r.id'],
  ['status', 'text', true, 'r.status'],
  ['microchip', 'text', false, 'r.microchip'],
  ['microchip_raw', 'text', false, 'r.microchip_raw'],
  ['species', 'text', true, 'r.species'],
  ['breed', 'text', false, 'r.breed'],
  ['colour', 'text', false, 'r.colour'],
  ['sex', 'text', true, 'r.sex'],
  ['name', 'text', false, 'r.name'],
  ['has_photo', 'bool', true, "CASE WHEN r.photo IS NULL THEN 'f' ELSE 't' END"],
  ['last_seen_area', 'text', true, 'r.last_seen_area'],
  ['last_seen_at', 'timestamptz', true, UTC('r.last_seen_at')],
  ['filed_by', 'text', true, 'm.name'],
  ['filed_by_kind', 'text', true, 'm.kind'],
  ['created_at', 'timestamptz', true, UTC('r.created_at')],
  ['updated_at', 'timestamptz', true, UTC('r.updated_at')],
  ['version', 'int8', true, 'r.version::text']
]

const SCHEMA = JSON.stringify(
  Object.fromEntries(COLUMNS.map(([name, type, notNull]) => [name, { type, ...(notNull ? { not_null: true } : {}), ...(name === 'id' ? { pk_index: 0 } : {}) }]))
)
const SELECT = COLUMNS.map(([name, , , sql]) => `${sql} AS "${name}"`).join(', ')

type Value = Record<string, string | null>
type Message =
  | { key: string; value: Value; headers: { operation: 'insert' | 'delete'; relation: [string, string] } }
  | { headers: { control: string } }

const UP_TO_DATE = { headers: { control: 'up-to-date' } }
const keyOf = (id: string) => `"public"."${SHAPE_TABLE}"/"${id.replace(/"/g, '""')}"`

export class ReportShape {
  constructor(
    private readonly db: Queryable,
    private readonly waiters: ClinicWaiters,
    /** how long a live request waits for a change before answering up-to-date (Electric: about 20 s) */
    private readonly liveTimeoutMs = 20_000
  ) {}

  /** aborted: the client went away (or the server is closing), so a waiting long-poll can stop. */
  async serve(query: ShapeQuery, aborted: AbortSignal): Promise<ShapeResponse> {
    const live = query.live === 'true'
    const offset = query.offset ?? '-1'
    const start = offset === '-1' || offset === 'now'
    if (!start && !query.handle) throw new HttpError(400, 'bad-request', 'an offset other than -1 or now needs its handle')
    if (offset === '-1' && live) throw new HttpError(400, 'bad-request', 'live needs an offset from an earlier response')
    const given = start ? null : parseOffset(offset)

    const deadline = Date.now() + this.liveTimeoutMs
    let from: number | null = given?.version ?? (offset === '-1' ? 0 : null)
    let horizon: number | null = given?.horizon ?? null
    for (;;) {
      // Subscribed before reading, so a change committed between the read and the wait still wakes us.
      const wait = live ? this.waiters.wait(WAIT_SPACE, SHAPE_TABLE, deadline - Date.now(), aborted) : null
      try {
        const head = await this.head()
        // A replaced log, or an offset past this database's history (a restored one), cannot be continued.
        if ((query.handle && query.handle !== head.handle) || (given && (given.version > head.version || given.horizon > head.version))) return mustRefetch(head.handle)
        from ??= head.version
        horizon ??= head.version
        const rows = await this.page(from, head.version, horizon)
        if (!wait || rows.length > 0 || Date.now() >= deadline || aborted.aborted) return answer(head.handle, from, head.version, horizon, rows, live, query.cursor)
        await wait.done
        if (aborted.aborted) throw new HttpError(503, 'unavailable', 'the request ended before a change came')
      } finally {
        wait?.cancel()
      }
    }
  }

  private async head(): Promise<{ handle: string; version: number }> {
    const [row] = await this.db.query<{ handle: string; version: number }>('SELECT handle, version FROM report_shape WHERE id = 1')
    return row
  }

  /**
   * The next reports after version `from`, up to the committed head `upTo` (every version up to it
   * belongs to a committed transaction: versions are taken under report_shape's lock until commit).
   */
  private page(from: number, upTo: number, horizon: number): Promise<Value[]> {
    return this.db.query<Value>(
      `SELECT ${SELECT} FROM missing_reports r JOIN members m ON m.id = r.member_id
        WHERE r.version > $1 AND r.version <= $2 AND (r.status = 'active' OR r.version > $3)
        ORDER BY r.version LIMIT ${PAGE_ROWS}`,
      [from, upTo, horizon]
    )
  }
}

function answer(handle: string, from: number, head: number, horizon: number, rows: Value[], live: boolean, cursor: string | undefined): ShapeResponse {
  // A full page continues after its last row; otherwise the follower is caught up to the head.
  const upToDate = rows.length < PAGE_ROWS
  const offset = upToDate ? Math.max(from, head) : Number(rows[rows.length - 1].version)
  const body: Message[] = rows.map((value) =>
    value.status === 'active'
      ? { key: keyOf(value.id!), value, headers: { operation: 'insert', relation: ['public', SHAPE_TABLE] } }
      : // No longer missing: leaves the shape. A delete carries only the primary key.
        { key: keyOf(value.id!), value: { id: value.id }, headers: { operation: 'delete', relation: ['public', SHAPE_TABLE] } }
  )
  if (upToDate) body.push(UP_TO_DATE)
  const headers: Record<string, string> = { 'electric-handle': handle, 'electric-offset': `${offset}_${horizon}` }
  if (live) headers['electric-cursor'] = nextCursor(cursor)
  else headers['electric-schema'] = SCHEMA
  if (upToDate) headers['electric-up-to-date'] = 'true'
  return { status: 200, headers, body }
}

function parseOffset(offset: string): { version: number; horizon: number } {
  const m = /^(\d{1,15})_(\d{1,15})$/.exec(offset)
  if (!m) throw new HttpError(400, 'bad-request', `offset ${JSON.stringify(offset)} is not -1, now or one this service gave`)
  return { version: Number(m[1]), horizon: Number(m[2]) }
}

function mustRefetch(handle: string): ShapeResponse {
  return { status: 409, headers: { 'electric-handle': handle }, body: [{ headers: { control: 'must-refetch' } }] }
}

/** Electric's cursor busts caches between live requests: a time step, never the one the client sent back. */
function nextCursor(sent: string | undefined): string {
  const now = String(Math.floor(Date.now() / 1000))
  return now === sent ? String(Number(now) + 1) : now
}
