/**
 * The workstation's side of sync with the clinic's central server. Writes: every outbox mutation
 * (one per local transaction) is pushed in order with its sequence number and marked with the
 * server's answer. Reads: one Electric shape stream per synced table (@electric-sql/client's
 * ShapeStream); each batch up to `up-to-date` is applied in one SQLite transaction together with
 * the stream's new offset (a first sync every FIRST_SYNC_ROWS rows), so a restart resumes where it stopped. A row this workstation changed
 * and the server has not yet answered for is held back (sync_deferred) until the answer is in.
 */
import { dirname } from 'node:path'
import { ShapeStream, isChangeMessage, isControlMessage, type Message, type Row } from '@electric-sql/client'
import type { Core } from '../domain/core'
import { SYNCED, fromShape, toWire, type SyncedTable } from './tables'
import { AuditAnchor } from './audit'
import { BlobUploads } from './blobs'
import { ClinicDevices } from './devices'
import type { Change } from '../db/store'
import type { SyncStatus } from '../../src-preload/contract'

export interface SyncSettings {
  /** the central server, e.g. http://server:8800 */
  url: string
  /** this workstation's device credential */
  token: string
}


interface OutboxRow {
  seq: number
  mutation_id: string
  changes: string
  hlc: string
  schema_version: number
  actor_id: string | null
}

interface PushResult {
  mutationId: string
  status: 'applied' | 'duplicate' | 'rejected' | 'gap'
  serverVersion: number | null
  reason?: string | null
}

/** Postgres text for every type: tables.ts converts each column by its SQLite kind. */
const KEEP_TEXT = Object.fromEntries(['int2', 'int4', 'int8', 'bool', 'float4', 'float8', 'json', 'jsonb', 'numeric'].map((t) => [t, (v: string) => v]))

/** mutations a push carries (the server takes up to 1,000) */
export const PUSH_BATCH = 100
const RETRY_MS = 2000
const RECONNECT = { initialDelay: 500, maxDelay: 4000, multiplier: 2 }
/** a first sync commits this many rows at a time: few enough to hold, enough that commits (each synced to disk) stay few */
const FIRST_SYNC_ROWS = 10_000

export class SyncClient {
  private streams: Following[] = []
  private stopped = false
  private wakePush: (() => void) | null = null
  /** nudged since the push loop last slept (a commit while a push was on the wire): its next pause is skipped */
  private nudged = false
  private pushing: Promise<void> | null = null
  private lastSyncAt: string | null = null
  private state: SyncStatus['state'] = 'connecting'
  private detail: string | null = null
  private readonly audit: AuditAnchor
  private readonly blobs: BlobUploads
  private readonly fetch: typeof fetch
  /** the clinic's workstations, for administrators (sync.devices, sync.revokeDevice) */
  readonly devices: ClinicDevices

  constructor(
    private readonly core: Core,
    private readonly settings: SyncSettings,
    private readonly opts: { fetch?: typeof fetch; log?: (line: string) => void; onChange?: () => void } = {}
  ) {
    this.fetch = this.refusalAware(opts.fetch ?? fetch)
    const link = { ...settings, fetch: this.fetch }
    this.audit = new AuditAnchor(core.store.sqlite, core.store.deviceId, link, () => opts.onChange?.())
    this.blobs = new BlobUploads(core.store.sqlite, dirname(core.store.sqlite.name), link)
    this.devices = new ClinicDevices(link, core.audit, () => opts.onChange?.())
  }

  start(): void {
    this.stopped = false
    this.pushing = this.pushLoop()
    for (const table of SYNCED.values()) this.follow(table)
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const s of [...this.streams]) this.unfollow(s)
    this.wakePush?.()
    await this.pushing
  }

  /** A local commit happened: push soon. */
  nudge(): void {
    this.nudged = true
    this.wakePush?.()
  }

  status(): SyncStatus {
    const { sqlite } = this.core.store
    const pending = sqlite.prepare("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sent')").pluck().get() as number
    const rejected = sqlite.prepare("SELECT mutation_id AS mutationId, coalesce(error, '') AS reason FROM outbox WHERE status = 'rejected' ORDER BY seq").all() as SyncStatus['rejected']
    // A table is ready once its first up-to-date batch is kept: the position outlives a restart.
    const tablesReady = sqlite.prepare('SELECT count(*) FROM sync_shapes WHERE ready').pluck().get() as number
    const detail = [this.detail, this.audit.detail].filter((d) => d !== null).join('; ') || null
    return { state: this.state, pending, rejected, tablesReady, tables: SYNCED.size, lastSyncAt: this.lastSyncAt, detail }
  }

  private headers(): Record<string, string> {
    return { Authorization: `Bearer ${this.settings.token}` }
  }

  /**
   * Every request goes through here: a 401 (this workstation revoked, or its token unknown) is
   * never cured by retrying, so sync stops and the status says why in the server's words.
   */
  private refusalAware(base: typeof fetch): typeof fetch {
    return async (input, init) => {
      const res = await base(input, init)
      if (res.status === 401) {
        const body = (await res.clone().json().catch(() => null)) as { message?: string } | null
        this.refused(body?.message ?? 'the clinic server no longer accepts this workstation')
      }
      return res
    }
  }

  private refused(message: string): void {
    if (this.stopped) return
    this.stopped = true
    for (const s of [...this.streams]) this.unfollow(s)
    this.wakePush?.()
    this.changed('offline', message)
  }

  private changed(state: SyncStatus['state'], detail: string | null): void {
    if (state === this.state && detail === this.detail) return
    this.state = state
    this.detail = detail
    this.opts.onChange?.()
  }

  // ------------------------------------------------------------------ writes

  private async pushLoop(): Promise<void> {
    while (!this.stopped) {
      let again = false
      try {
        again = await this.pushOnce()
        // The audit chain follows the outbox to the server, where it anchors this workstation's log.
        again = (await this.audit.pushOnce()) || again
        if (this.state !== 'online') this.changed('online', null)
      } catch (e) {
        if (this.stopped) break // refused: the status already says why
        this.changed('offline', `cannot reach the clinic server: ${(e as Error).message}`)
        await this.sleep(RETRY_MS)
        continue
      }
      if (!again) await this.sleep(RETRY_MS)
    }
  }

  /** Sleeps until nudged or ms passed; not at all if nudged while awake (that commit is not pushed yet). */
  private async sleep(ms: number): Promise<void> {
    if (!this.nudged) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms)
        function done() {
          clearTimeout(timer)
          resolve()
        }
        this.wakePush = done
      })
    }
    this.nudged = false
  }

  /** Pushes the oldest waiting mutations; true when more may be waiting. */
  async pushOnce(): Promise<boolean> {
    const rows = this.core.store.statement("SELECT seq, mutation_id, changes, hlc, schema_version, actor_id FROM outbox WHERE status IN ('pending', 'sent') ORDER BY seq LIMIT ?").all(PUSH_BATCH) as OutboxRow[]
    if (rows.length === 0) return false
    const changes = rows.map((r) => JSON.parse(r.changes) as Change[])
    // Files first: a row never reaches the server, or another workstation, ahead of its file.
    await this.blobs.before(changes.flat())
    const mutations = rows.map((r, i) => ({ mutationId: r.mutation_id, seq: r.seq, hlc: r.hlc, schemaVersion: r.schema_version, actorId: r.actor_id, changes: changes[i].map((c) => this.wireChange(c)).filter((c) => c !== null) }))
    const res = await this.fetch(`${this.settings.url}/sync/v1/push`, {
      method: 'POST',
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ deviceId: this.core.store.deviceId, schemaVersion: rows[0].schema_version, mutations })
    })
    if (!res.ok) throw new Error(`push answered ${res.status}: ${(await res.text()).slice(0, 200)}`)
    const { results } = (await res.json()) as { results: PushResult[] }
    const mark = this.core.store.statement('UPDATE outbox SET status = ?, server_version = ?, error = ? WHERE mutation_id = ?')
    let answered = 0
    this.core.store.sqlite.transaction(() => {
      for (const r of results) {
        if (r.status === 'gap') break
        answered++
        if (r.status === 'rejected') mark.run('rejected', r.serverVersion ?? null, r.reason ?? 'refused by the server', r.mutationId)
        else mark.run('acked', r.serverVersion ?? null, null, r.mutationId)
      }
    })()
    if (results.some((r) => r.status === 'rejected')) this.opts.onChange?.()
    this.releaseDeferred()
    // Only the rows just answered can be newly forgotten here (their shapes may already be past them).
    this.statement.forgetAnswered.run({ from: rows[0].seq, to: rows[rows.length - 1].seq })
    return answered === rows.length && rows.length === PUSH_BATCH
  }

  /** One outbox change as the wire carries it: SQL column names, JSON values, an insert's whole row. */
  private wireChange([table, rowId, op, hlc, fields]: Change): [string, string, string, string, Record<string, unknown>] | null {
    const t = SYNCED.get(table)
    if (!t) return null
    if (op === 'insert') {
      const row = this.core.store.statement(`SELECT * FROM "${table}" WHERE id = ?`).get(rowId) as Record<string, unknown> | undefined
      if (!row) return null
      const wire = Object.fromEntries(t.columns.filter((c) => c.name !== 'server_version').map((c) => [c.name, toWire(c.kind, row[c.name])]))
      // A document's bytes went to the clinic server's file store just before (BlobUploads); others fetch them by sha256.
      if (table === 'documents') wire.content = null
      return [table, rowId, op, hlc, wire]
    }
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(fields ?? {})) {
      const c = t.byKey.get(key)
      if (c) out[c.name] = toWire(c.kind, v)
    }
    return [table, rowId, op, hlc, out]
  }

  // ------------------------------------------------------------------ reads

  private follow(table: SyncedTable): void {
    const { sqlite } = this.core.store
    const saved = sqlite.prepare('SELECT handle, offset, ready FROM sync_shapes WHERE tbl = ?').get(table.name) as { handle: string; offset: string; ready: number } | undefined
    // Aborting ends the stream's request and its retries; unsubscribing alone left it polling.
    const abort = new AbortController()
    const stream = new ShapeStream<Row>({
      url: `${this.settings.url}/v1/shape`,
      params: { table: table.name },
      headers: this.headers(),
      parser: KEEP_TEXT,
      ...(saved ? { offset: saved.offset as `${number}_${number}`, handle: saved.handle } : {}),
      fetchClient: this.fetch,
      signal: abort.signal,
      // The clinic server is near (the same building): after an outage, come back within seconds, not the default 32.
      backoffOptions: RECONNECT,
      onError: (e) => {
        if (this.stopped) return // refused, or closing: no retry
        this.changed('offline', `shape ${table.name}: ${e instanceof Error ? e.message : String(e)}`)
        // Keep following: the client retries from where it stood.
        return {}
      }
    })
    // A first sync is kept every FIRST_SYNC_ROWS rows (its rows are not shown before the table is
    // whole, and a restart resumes at the last kept page); afterwards each up-to-date batch is kept
    // in one transaction.
    let first = !saved || !saved.ready
    let batch: Message<Row>[] = []
    const following: Following = { abort, unsubscribe: () => undefined }
    following.unsubscribe = stream.subscribe((messages) => {
      if (this.stopped) return
      let upToDate = false
      for (const m of messages) {
        if (isChangeMessage(m)) batch.push(m)
        else if (isControlMessage(m) && m.headers.control === 'must-refetch') {
          batch = []
          if (!first) this.restartFirstSync(table)
          first = true
        } else if (isControlMessage(m) && m.headers.control === 'up-to-date') upToDate = true
      }
      if (!upToDate && !(first && batch.length >= FIRST_SYNC_ROWS)) return
      try {
        this.apply(table, batch, stream, !upToDate)
      } catch (e) {
        // Nothing of the batch was kept (one transaction): follow the table again from its saved position.
        this.changed('offline', `could not apply ${table.name} from the server: ${(e as Error).message}`)
        this.opts.log?.(`sync: ${table.name}: ${(e as Error).message}; reading it again`)
        this.unfollow(following)
        setTimeout(() => !this.stopped && this.follow(table), RETRY_MS).unref()
        return
      }
      batch = []
      if (!upToDate) return
      if (first) {
        first = false
        this.opts.onChange?.()
      }
      this.lastSyncAt = new Date().toISOString()
      if (this.state !== 'online') this.changed('online', null)
    })
    this.streams.push(following)
  }

  private unfollow(f: Following): void {
    f.unsubscribe()
    f.abort.abort()
    this.streams = this.streams.filter((s) => s !== f)
  }

  /** The server started this table over (409 must-refetch): it is not whole again until its new first sync ends. */
  private restartFirstSync(table: SyncedTable): void {
    this.core.store.statement('UPDATE sync_shapes SET ready = 0 WHERE tbl = ?').run(table.name)
    this.opts.onChange?.()
  }

  /** A batch (part of a first sync while partial) with the stream's position, in one transaction. */
  private apply(table: SyncedTable, messages: Message<Row>[], stream: ShapeStream<Row>, partial: boolean): void {
    const { sqlite } = this.core.store
    const applied = this.appliedVersion(table.name)
    // Only rows this workstation changed itself can be held back; most batches have none.
    const mayHold = this.statement.anyWaiting.get({ table: table.name, applied }) !== undefined
    let top = 0
    const write = () => {
      for (const m of messages) {
        if (!isChangeMessage(m) || m.headers.operation === 'delete') continue
        const value = m.value as Record<string, string | null>
        const version = Number(value.server_version ?? 0)
        top = Math.max(top, version)
        const id = String(value.id)
        if (mayHold && this.waiting(table.name, id, applied)) {
          this.statement.hold.run(table.name, id, version, JSON.stringify(value))
        } else this.upsert(table, value)
      }
      // At offset <v>_0 every row of this table up to the clinic's version v is here.
      const reached = Number(String(stream.lastOffset).split('_')[0])
      this.statement.position.run(table.name, stream.shapeHandle ?? '', stream.lastOffset, Math.max(applied, top, Number.isFinite(reached) ? reached : 0), partial ? 0 : 1)
    }
    this.withoutForeignKeys(() => sqlite.transaction(write)())
    // Our own changes coming back are held until the table has caught up past their answer: now.
    this.releaseDeferred()
    if (messages.length) this.core.events.emit('changed', { entity: 'sync', id: table.name })
    // This table moving on can free only mutations up to the version it reached.
    this.statement.forgetUpTo.run({ upTo: this.appliedVersion(table.name) })
  }

  /**
   * Rows arrive table by table, so a patient may come before its owner: referential checks are
   * off while the server's rows are written (the server keeps the clinic's rows whole).
   */
  private withoutForeignKeys(fn: () => void): void {
    const { sqlite } = this.core.store
    sqlite.pragma('foreign_keys = OFF')
    try {
      fn()
    } finally {
      sqlite.pragma('foreign_keys = ON')
    }
  }

  /** Writes a server row unless the local copy is already as new; an append-only row is written once. */
  private upsert(table: SyncedTable, value: Record<string, string | null>): void {
    const whole = table.columns.every((c) => c.name in value)
    const cols = whole ? table.columns : table.columns.filter((c) => c.name in value)
    this.core.store.statement(whole ? this.upsertSql(table) : upsertSql(table, cols)).run(...cols.map((c) => fromShape(c.kind, value[c.name])))
    if (value.updated_at) this.core.store.hlc.receive(value.updated_at)
  }

  private readonly wholeRowSql = new Map<SyncedTable, string>()
  private upsertSql(table: SyncedTable): string {
    let sql = this.wholeRowSql.get(table)
    if (!sql) this.wholeRowSql.set(table, (sql = upsertSql(table, table.columns)))
    return sql
  }

  /** Does a local change to this row wait for the server's answer, or for that answer to come back (past `applied`)? */
  private waiting(table: string, id: string, applied: number): boolean {
    return this.statement.rowWaiting.get({ table, id, applied }) !== undefined
  }

  private appliedVersion(table: string): number {
    return (this.statement.applied.get(table) as number | undefined) ?? 0
  }

  /** Held-back rows whose local change has been answered: written now (the newest of them wins as usual). */
  private releaseDeferred(): void {
    const { sqlite } = this.core.store
    const held = this.statement.held.all() as { tbl: string; row_id: string; row: string }[]
    if (held.length === 0) return
    this.withoutForeignKeys(() =>
      sqlite.transaction(() => {
        for (const h of held) {
          const table = SYNCED.get(h.tbl)
          if (!table || this.waiting(h.tbl, h.row_id, this.appliedVersion(h.tbl))) continue
          this.upsert(table, JSON.parse(h.row) as Record<string, string | null>)
          this.statement.release.run(h.tbl, h.row_id)
        }
      })()
    )
  }

  private get statement() {
    return (this.prepared ??= this.prepare())
  }

  private prepared: ReturnType<SyncClient['prepare']> | undefined

  private prepare() {
    const s = (sql: string) => this.core.store.statement(sql)
    // A change waits while unanswered, or answered but not yet back (its version past what the table applied).
    const waiting = "FROM outbox_rows r JOIN outbox o ON o.seq = r.seq WHERE r.tbl = @table AND (o.status IN ('pending', 'sent') OR (o.status = 'acked' AND (o.server_version IS NULL OR o.server_version > @applied)))"
    return {
      anyWaiting: s(`SELECT 1 ${waiting} LIMIT 1`).pluck(),
      rowWaiting: s(`SELECT 1 ${waiting} AND r.row_id = @id LIMIT 1`).pluck(),
      applied: s('SELECT version FROM sync_shapes WHERE tbl = ?').pluck(),
      position: s('INSERT INTO sync_shapes (tbl, handle, offset, version, ready) VALUES (?, ?, ?, ?, ?) ON CONFLICT (tbl) DO UPDATE SET handle = excluded.handle, offset = excluded.offset, version = excluded.version, ready = excluded.ready'),
      hold: s('INSERT INTO sync_deferred (tbl, row_id, server_version, row) VALUES (?, ?, ?, ?) ON CONFLICT (tbl, row_id) DO UPDATE SET server_version = excluded.server_version, row = excluded.row WHERE excluded.server_version > sync_deferred.server_version'),
      held: s('SELECT tbl, row_id, row FROM sync_deferred'),
      release: s('DELETE FROM sync_deferred WHERE tbl = ? AND row_id = ?'),
      // Accepted changes whose rows have come back (every table they wrote applied their version) are no longer needed.
      forgetAnswered: s(`DELETE FROM outbox WHERE seq BETWEEN @from AND @to AND ${BACK}`),
      forgetUpTo: s(`DELETE FROM outbox WHERE status = 'acked' AND server_version <= @upTo AND ${BACK}`)
    }
  }
}

const BACK = "status = 'acked' AND server_version IS NOT NULL AND NOT EXISTS (SELECT 1 FROM outbox_rows r LEFT JOIN sync_shapes t ON t.tbl = r.tbl WHERE r.seq = outbox.seq AND coalesce(t.version, 0) < outbox.server_version)"

interface Following {
  abort: AbortController
  unsubscribe: () => void
}

function upsertSql(table: SyncedTable, cols: SyncedTable['columns']): string {
  const names = cols.map((c) => `"${c.name}"`).join(', ')
  const marks = cols.map(() => '?').join(', ')
  const updates = cols.filter((c) => c.name !== 'id').map((c) => `"${c.name}" = excluded."${c.name}"`).join(', ')
  // An append-only row never changes, so the copy here is the same; its triggers refuse any UPDATE.
  const onConflict = table.appendOnly ? 'DO NOTHING' : `DO UPDATE SET ${updates} WHERE "${table.name}".server_version IS NULL OR "${table.name}".server_version < excluded.server_version`
  return `INSERT INTO "${table.name}" (${names}) VALUES (${marks}) ON CONFLICT (id) ${onConflict}`
}
