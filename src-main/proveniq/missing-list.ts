/**
 * PetMayday's active missing-pet list, followed into this workstation's own database (missing_pets)
 * from the PROVENIQ service's shape (`GET /v1/shape/reports`), so the check-in alert works offline.
 * Followed with @electric-sql/client's ShapeStream as sync/client.ts follows the clinic's shapes:
 * each batch up to `up-to-date` is kept in one transaction with the stream's offset and handle, so
 * a restart resumes where it stopped.
 *
 * Reading the list sends only the clinic's member key (no patient data), so it takes no permit;
 * it is followed only while the petmayday integration is enabled and approved for
 * 'lost_pet_reports', and the list is forgotten when that ends (a stale list would accuse found pets).
 */
import { ShapeStream, isChangeMessage, isControlMessage, type Message, type Row } from '@electric-sql/client'
import type { Core } from '../domain/core'
import type { IntegrationRegistry } from '../integrations/registry'

/** Values stay text as the service sent them (booleans 't'/'f', the version as digits). */
const KEEP_TEXT = Object.fromEntries(['int2', 'int4', 'int8', 'bool', 'float4', 'float8', 'json', 'jsonb', 'numeric'].map((t) => [t, (v: string) => v]))
/** The service is across the internet: back off further than the clinic server's few seconds. */
const RECONNECT = { initialDelay: 1000, maxDelay: 30_000, multiplier: 2 }

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
    // The integration set up, changed, approved or withdrawn (here or by sync): follow again if that changed what to follow.
    this.sub = this.core.events.subscribe(({ event }) => {
      if (event.type !== 'changed' || this.stopped) return
      const { entity, id } = event.payload
      if (entity === 'integration' || (entity === 'sync' && id === 'integrations')) setImmediate(() => this.refresh())
    })
    this.refresh()
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
    // A list kept for another integration (or none) is replaced by this one's first sync.
    let replace = !saved
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
          // The service started its list over: the local list is replaced by what follows.
          batch = []
          replace = true
        } else if (isControlMessage(m) && m.headers.control === 'up-to-date') upToDate = true
      }
      if (!upToDate) return
      try {
        this.apply(target.integrationId, batch, stream, replace)
      } catch (e) {
        this.opts.log?.(`petmayday: could not keep the missing-pet list: ${(e as Error).message}`)
        return
      }
      batch = []
      replace = false
      this.integrations.setStatus(target.integrationId, 'connected', null)
    })
    this.stream = { abort, unsubscribe }
  }

  /** A batch with the stream's position, in one transaction; `replace` empties the list first. */
  private apply(integrationId: string, messages: Message<Row>[], stream: ShapeStream<Row>, replace: boolean): void {
    const { sqlite } = this.core.store
    const upsert = sqlite.prepare(
      `INSERT INTO missing_pets (id, microchip_norm, microchip, species, breed, colour, sex, name, last_seen_area, last_seen_at, filed_by_name, filed_by_kind, updated_at)
       VALUES (@id, @microchip, @microchip_raw, @species, @breed, @colour, @sex, @name, @last_seen_area, @last_seen_at, @filed_by, @filed_by_kind, @updated_at)
       ON CONFLICT (id) DO UPDATE SET microchip_norm = excluded.microchip_norm, microchip = excluded.microchip, species = excluded.species, breed = excluded.breed,
         colour = excluded.colour, sex = excluded.sex, name = excluded.name, last_seen_area = excluded.last_seen_area, last_seen_at = excluded.last_seen_at,
         filed_by_name = excluded.filed_by_name, filed_by_kind = excluded.filed_by_kind, updated_at = excluded.updated_at`
    )
    const remove = sqlite.prepare('DELETE FROM missing_pets WHERE id = ?')
    const arrived: string[] = []
    sqlite.transaction(() => {
      if (replace) sqlite.prepare('DELETE FROM missing_pets').run()
      for (const m of messages) {
        if (!isChangeMessage(m)) continue
        const v = m.value as Record<string, string | null>
        const id = String(v.id)
        if (m.headers.operation === 'delete') {
          remove.run(id)
          continue
        }
        const row = { id, microchip: null, microchip_raw: null, breed: null, colour: null, name: null, ...pick(v) }
        upsert.run(row)
        arrived.push(id)
      }
      sqlite
        .prepare('INSERT INTO missing_pets_shape (integration_id, handle, offset) VALUES (?, ?, ?) ON CONFLICT (integration_id) DO UPDATE SET handle = excluded.handle, offset = excluded.offset')
        .run(integrationId, stream.shapeHandle ?? '', stream.lastOffset)
    })()
    if (messages.length || replace) this.core.events.emit('changed', { entity: 'missing', id: 'list' })
    if (arrived.length) this.opts.onReports?.(arrived)
  }
}

const FIELDS = ['microchip', 'microchip_raw', 'species', 'breed', 'colour', 'sex', 'name', 'last_seen_area', 'last_seen_at', 'filed_by', 'filed_by_kind', 'updated_at'] as const

/** The public fields this list keeps, and nothing else the shape may carry. */
function pick(v: Record<string, string | null>): Record<string, string | null> {
  return Object.fromEntries(FIELDS.map((f) => [f, v[f] ?? null]))
}
