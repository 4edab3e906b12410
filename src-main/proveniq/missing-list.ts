/**
 * PetMayday's active missing-pet list, followed into this workstation's own database (missing_pets)
 * from the PROVENIQ service's shape (`GET /v1/shape/reports`), so the check-in alert works offline.
 * Followed with @electric-sql/client's ShapeStream as sync/client.ts follows the clinic's shapes:
 * each batch up to `up-to-date` is kept in one transaction with the stream's offset and handle, so
 * a restart resumes where it stopped; a first sync of a large list (the service pages it, 1,000
 * reports a request) is kept every FIRST_SYNC_ROWS reports, so it is never held whole in memory nor
 * written in one long transaction that would stall the hub.
 *
 * Reading the list sends only the clinic's member key (no patient data), so it takes no permit;
 * it is followed only while the petmayday integration is enabled and approved for
 * 'lost_pet_reports', and the list is forgotten when that ends (a stale list would accuse found pets).
 */
import { ShapeStream, isChangeMessage, isControlMessage, type Message, type Row } from '@electric-sql/client'
import type { Core } from '../domain/core'
import type { IntegrationRegistry } from '../integrations/registry'
import { normalizeName } from '../core/normalize'

/** Values stay text as the service sent them (booleans 't'/'f', the version as digits). */
const KEEP_TEXT = Object.fromEntries(['int2', 'int4', 'int8', 'bool', 'float4', 'float8', 'json', 'jsonb', 'numeric'].map((t) => [t, (v: string) => v]))
/** The service is across the internet: back off further than the clinic server's few seconds. */
const RECONNECT = { initialDelay: 1000, maxDelay: 30_000, multiplier: 2 }
/** A first sync (or a refetch) is kept this many reports at a time: little to hold, each write short, few commits. */
export const FIRST_SYNC_ROWS = 5000
/** Reports checked against the patients in one turn of the event loop. */
const CHECK_SLICE = 500

interface Target {
  integrationId: string
  baseUrl: string
  apiKey: string
}

export class MissingPetList {
  private stream: { abort: AbortController; unsubscribe: () => void } | null = null
  private following: string | null = null
  private stopped = true
  private sub: { unsubscribe(): void } | null = null

  constructor(
    private readonly core: Core,
    private readonly integrations: IntegrationRegistry,
    private readonly opts: { fetch?: typeof fetch; log?: (line: string) => void; onReports?: (ids: string[]) => void } = {}
  ) {}

  start(): void {
    this.stopped = false
    this.normaliseNames()
    // The integration set up, changed, approved or withdrawn (here or by sync): follow again if that changed what to follow.
    this.sub = this.core.events.subscribe(({ event }) => {
      if (event.type !== 'changed' || this.stopped) return
      const { entity, id } = event.payload
      if (entity === 'integration' || (entity === 'sync' && id === 'integrations')) setImmediate(() => this.refresh())
    })
    this.refresh()
  }

  /** A list kept before names and areas were normalised into it (migration 0024) keeps alerting offline: fill them in. */
  private normaliseNames(): void {
    const { sqlite } = this.core.store
    const rows = sqlite.prepare('SELECT id, name, last_seen_area FROM missing_pets WHERE area_norm IS NULL').all() as { id: string; name: string | null; last_seen_area: string }[]
    if (rows.length === 0) return
    const set = sqlite.prepare('UPDATE missing_pets SET name_norm = ?, area_norm = ? WHERE id = ?')
    sqlite.transaction(() => rows.forEach((r) => set.run(normalizeName(r.name) || null, normalizeName(r.last_seen_area) || null, r.id)))()
  }

  stop(): void {
    this.stopped = true
    this.sub?.unsubscribe()
    this.sub = null
    this.unfollow()
  }

  /** The integration to follow now, or null: enabled, approved for lost_pet_reports, with its address and this workstation's key. */
  private target(): Target | null {
    for (const i of this.integrations.list()) {
      if (i.kind !== 'petmayday' || !i.enabled || !i.approval?.categories.includes('lost_pet_reports')) continue
      const config = this.integrations.config(i.id)
      if (config.baseUrl && config.apiKey) return { integrationId: i.id, baseUrl: config.baseUrl.replace(/\/+$/, ''), apiKey: config.apiKey }
    }
    return null
  }

  private refresh(): void {
    if (this.stopped) return
    let target: Target | null
    try {
      target = this.target()
    } catch (e) {
      this.opts.log?.(`petmayday: ${(e as Error).message}`)
      target = null
    }
    // Its own status updates also arrive as integration changes: only a different target restarts the stream.
    const key = target ? JSON.stringify(target) : null
    if (key === this.following) return
    this.unfollow()
    this.following = key
    if (!target) {
      this.forget()
      return
    }
    this.follow(target)
  }

  private unfollow(): void {
    this.stream?.unsubscribe()
    this.stream?.abort.abort()
    this.stream = null
    this.following = null
  }

  /** No list to keep current: drop it with its position, and the matches it made. */
  private forget(): void {
    const { sqlite } = this.core.store
    const had = sqlite.prepare('SELECT count(*) FROM missing_pets').pluck().get() as number
    sqlite.transaction(() => {
      sqlite.prepare('DELETE FROM missing_pets').run()
      sqlite.prepare('DELETE FROM missing_pets_shape').run()
    })()
    if (had) this.core.events.emit('changed', { entity: 'missing', id: 'list' })
  }

  private follow(target: Target): void {
    const { sqlite } = this.core.store
    const saved = sqlite.prepare('SELECT handle, offset FROM missing_pets_shape WHERE integration_id = ?').get(target.integrationId) as { handle: string; offset: string } | undefined
    // Nothing kept for this integration: a list kept for another one (or none) is dropped at the first commit.
    let mode: Mode = saved ? 'following' : 'first'
    const abort = new AbortController()
    const stream = new ShapeStream<Row>({
      url: `${target.baseUrl}/v1/shape/reports`,
      headers: { Authorization: `Bearer ${target.apiKey}` },
      parser: KEEP_TEXT,
      ...(saved ? { offset: saved.offset as `${number}_${number}`, handle: saved.handle } : {}),
      ...(this.opts.fetch ? { fetchClient: this.opts.fetch } : {}),
      signal: abort.signal,
      backoffOptions: RECONNECT,
      onError: (e) => {
        if (this.stopped || abort.signal.aborted) return
        this.integrations.setStatus(target.integrationId, 'error', `cannot reach PetMayday: ${e instanceof Error ? e.message : String(e)}; the list kept here still alerts`)
        // Keep following: the client retries from where it stood, and the kept list serves meanwhile.
        return {}
      }
    })
    let batch: Message<Row>[] = []
    const unsubscribe = stream.subscribe((messages) => {
      if (this.stopped || abort.signal.aborted) return
      let upToDate = false
      for (const m of messages) {
        if (isChangeMessage(m)) batch.push(m)
        else if (isControlMessage(m) && m.headers.control === 'must-refetch') {
          // The service started its list over: what follows replaces the local list, which keeps alerting until then.
          batch = []
          mode = 'refetch'
          this.beginRefetch()
        } else if (isControlMessage(m) && m.headers.control === 'up-to-date') upToDate = true
      }
      // A first sync (100,000 reports) is kept FIRST_SYNC_ROWS at a time: never all in memory, never one long write.
      if (!upToDate && batch.length < FIRST_SYNC_ROWS) return
      try {
        this.apply(target.integrationId, batch, stream, mode, upToDate)
      } catch (e) {
        this.opts.log?.(`petmayday: could not keep the missing-pet list: ${(e as Error).message}`)
        return
      }
      batch = []
      // Once its first rows are kept with their position, a first sync resumes after a restart; a refetch starts over.
      if (mode === 'first' || (mode === 'refetch' && upToDate)) mode = 'following'
      if (!upToDate) return
      this.integrations.setStatus(target.integrationId, 'connected', null)
    })
    this.stream = { abort, unsubscribe }
  }

  /** Reports seen since a refetch began (this connection's own temporary table): what was not seen again is gone. */
  private beginRefetch(): void {
    const { sqlite } = this.core.store
    sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS missing_pets_seen (id TEXT PRIMARY KEY); DELETE FROM temp.missing_pets_seen')
  }

  /**
   * A batch with the stream's position, in one transaction. A first sync empties the list at its
   * first batch. A refetch keeps the old list (it still alerts, offline too) until the new one is
   * whole, then drops what it did not see again; its position is kept only then, so a restart in
   * between asks the service again and refetches from the start.
   */
  private apply(integrationId: string, messages: Message<Row>[], stream: ShapeStream<Row>, mode: Mode, upToDate: boolean): void {
    const { sqlite } = this.core.store
    const s = this.statements
    const refetch = mode === 'refetch'
    const arrived: string[] = []
    let emptied = false
    sqlite.transaction(() => {
      if (mode === 'first') {
        emptied = sqlite.prepare('DELETE FROM missing_pets').run().changes > 0
        sqlite.prepare('DELETE FROM missing_pets_shape WHERE integration_id <> ?').run(integrationId)
      }
      for (const m of messages) {
        if (!isChangeMessage(m)) continue
        const v = m.value as Record<string, string | null>
        const id = String(v.id)
        if (m.headers.operation === 'delete') {
          s.remove.run(id)
          if (refetch) s.unsee.run(id)
          continue
        }
        const row = pick(v)
        s.upsert.run({ id, ...row, name_norm: normalizeName(row.name) || null, area_norm: normalizeName(row.last_seen_area) || null })
        if (refetch) s.see.run(id)
        arrived.push(id)
      }
      if (refetch && !upToDate) return
      if (refetch) {
        emptied = sqlite.prepare('DELETE FROM missing_pets WHERE id NOT IN (SELECT id FROM temp.missing_pets_seen)').run().changes > 0 || emptied
        sqlite.exec('DELETE FROM temp.missing_pets_seen')
      }
      s.position.run(integrationId, stream.shapeHandle ?? '', stream.lastOffset)
    })()
    if (messages.length || emptied) this.core.events.emit('changed', { entity: 'missing', id: 'list' })
    // The patients these reports match, after the commit; a large first sync checks each batch as it is kept.
    if (arrived.length) this.checkLater(arrived)
  }

  private toCheck: string[] = []

  /** The arrival check, CHECK_SLICE reports a turn of the event loop, so a large batch does not hold the hub. */
  private checkLater(ids: string[]): void {
    if (!this.opts.onReports) return
    const idle = this.toCheck.length === 0
    for (const id of ids) this.toCheck.push(id)
    if (!idle) return
    const next = () => {
      if (this.stopped) {
        this.toCheck = []
        return
      }
      const slice = this.toCheck.splice(0, CHECK_SLICE)
      if (slice.length) this.opts.onReports!(slice)
      if (this.toCheck.length) setImmediate(next)
    }
    next()
  }

  private prepared: ReturnType<MissingPetList['prepare']> | null = null
  private get statements() {
    return (this.prepared ??= this.prepare())
  }

  private prepare() {
    const { sqlite } = this.core.store
    sqlite.exec('CREATE TEMP TABLE IF NOT EXISTS missing_pets_seen (id TEXT PRIMARY KEY)')
    return {
      upsert: sqlite.prepare(
        `INSERT INTO missing_pets (id, microchip_norm, microchip, species, breed, colour, sex, name, name_norm, last_seen_area, area_norm, last_seen_at, filed_by_name, filed_by_kind, updated_at)
         VALUES (@id, @microchip, @microchip_raw, @species, @breed, @colour, @sex, @name, @name_norm, @last_seen_area, @area_norm, @last_seen_at, @filed_by, @filed_by_kind, @updated_at)
         ON CONFLICT (id) DO UPDATE SET microchip_norm = excluded.microchip_norm, microchip = excluded.microchip, species = excluded.species, breed = excluded.breed,
           colour = excluded.colour, sex = excluded.sex, name = excluded.name, name_norm = excluded.name_norm, last_seen_area = excluded.last_seen_area, area_norm = excluded.area_norm, last_seen_at = excluded.last_seen_at,
           filed_by_name = excluded.filed_by_name, filed_by_kind = excluded.filed_by_kind, updated_at = excluded.updated_at`
      ),
      remove: sqlite.prepare('DELETE FROM missing_pets WHERE id = ?'),
      see: sqlite.prepare('INSERT OR IGNORE INTO temp.missing_pets_seen (id) VALUES (?)'),
      unsee: sqlite.prepare('DELETE FROM temp.missing_pets_seen WHERE id = ?'),
      position: sqlite.prepare('INSERT INTO missing_pets_shape (integration_id, handle, offset) VALUES (?, ?, ?) ON CONFLICT (integration_id) DO UPDATE SET handle = excluded.handle, offset = excluded.offset')
    }
  }
}

/**
 * first: nothing kept for this integration yet (its first batch empties the list); refetch: the
 * service's list started over (kept without a position until whole); following: every batch is
 * kept with its position.
 */
type Mode = 'first' | 'refetch' | 'following'

const FIELDS = ['microchip', 'microchip_raw', 'species', 'breed', 'colour', 'sex', 'name', 'last_seen_area', 'last_seen_at', 'filed_by', 'filed_by_kind', 'updated_at'] as const

/** The public fields this list keeps, and nothing else the shape may carry. */
function pick(v: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(FIELDS.map((f) => [f, v[f] ?? null]))
}
