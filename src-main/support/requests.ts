/**
 * Requests to VetOS support for a new integration. The administrator reviews the exact payload
 * (preview), then sends it with the hash of what was reviewed; it is queued as an outbound
 * message to the clinic's "VetOS support" integration and leaves only through the consent gate,
 * which is asked again right before each try. While the desk cannot be reached it waits (also
 * across a restart); the desk's ticket number comes back onto the request.
 */
import { desc, eq } from 'drizzle-orm'
import type { DataCategory, IntegrationRequest, IntegrationRequestPreview } from '../../src-preload/contract'
import { integrationRequests, outboundMessages } from '../db/schema'
import type { Core } from '../domain/core'
import type { Actor } from '../domain/actor'
import { ConsentRefused, type ConsentGate } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import type { CaptureLog } from '../integrations/capture'
import { OutboundQueue, type OutboundRow } from '../integrations/outbound'
import { ApiError, conflict } from '../api/errors'
import { newId } from '../core/ids'
import { buildRequest, type RequestForm } from './payload'
import { SupportTransmitter } from './transmitter'

type Row = typeof integrationRequests.$inferSelect

export const NOT_SET_UP =
  'VetOS support is not set up on this workstation, so nothing was sent. An administrator adds “VetOS support” under Integrations → Add from catalog, enters the support desk’s address and the clinic’s support key (from VetOS), and approves it for sample device messages.'

export interface SupportTarget {
  integrationId: string
  name: string
  approved: boolean
  /** the categories the request needs that its approval does not cover */
  missing: string[]
}

export interface SupportOptions {
  /** tests: the fetch the transmitter uses */
  fetch?: typeof fetch
}

export class SupportRequests {
  readonly outbound: OutboundQueue
  private wired = new Map<string, string>()
  private sub: { unsubscribe(): void } | null = null

  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly captures: CaptureLog,
    private readonly clinic: () => { id: string; name: string },
    private readonly opts: SupportOptions = {}
  ) {
    this.outbound = new OutboundQueue(core, registry, gate, {
      answered: (msg, answer) => this.answered(msg, answer.accepted, answer.detail),
      waiting: (msg, error) => this.update(msg, { lastError: error }),
      // The gate refused (and audited it) when the request was about to leave.
      refused: (msg, reason) => this.update(msg, { status: 'refused', lastError: reason })
    })
  }

  /**
   * The clinic's VetOS support integration: enabled, with an address and a key; null when there is
   * none. Approved only when its approval covers every category this request needs (an approval for
   * samples without identity does not cover one that keeps it).
   */
  target(categories: DataCategory[]): SupportTarget | null {
    for (const i of this.registry.list()) {
      if (i.kind !== 'support' || !i.enabled) continue
      const c = this.registry.config(i.id)
      const approved = new Set<string>(i.approval?.categories ?? [])
      if (!c.baseUrl || !c.apiKey) continue
      const missing = i.approval ? categories.filter((k) => !approved.has(k)) : [...categories]
      return { integrationId: i.id, name: i.name, approved: !!i.approval && missing.length === 0, missing }
    }
    return null
  }

  preview(form: RequestForm): IntegrationRequestPreview {
    const built = buildRequest(form, this.clinic(), this.captures, this.registry)
    return { payload: built.payload.toString('utf8'), hash: built.hash, samples: built.samples, categories: built.categories, destination: this.target(built.categories) }
  }

  send(actor: Actor, input: RequestForm & { hash: string }): IntegrationRequest {
    const built = buildRequest(input, this.clinic(), this.captures, this.registry)
    if (built.hash !== input.hash) throw conflict('What would be sent has changed since it was reviewed (a field or a sample differs). Review it again before sending.')
    const target = this.target(built.categories)
    if (!target) throw new ApiError('consent-refused', NOT_SET_UP)
    const summary = `Request for a new integration (${input.vendor} ${input.model}) to ${target.name}`
    const { store } = this.core
    const id = newId()
    const now = store.nowIso()
    const row: Row = {
      id,
      createdAt: now,
      updatedAt: now,
      requestedBy: actor.id,
      requestedByName: actor.name,
      system: input.system,
      vendor: input.vendor,
      model: input.model,
      wiring: input.wiring,
      wiringDetail: input.wiringDetail ?? null,
      contactName: input.contactName,
      contactPhone: input.contactPhone ?? null,
      contactEmail: input.contactEmail ?? null,
      notes: input.notes ?? null,
      sampleIds: JSON.stringify([...new Set(input.sampleIds)]),
      identityRemoved: input.removeIdentity,
      categories: JSON.stringify(built.categories),
      payload: built.payload,
      payloadHash: built.hash,
      integrationId: target.integrationId,
      status: 'queued',
      ticket: null,
      outboundId: null,
      lastError: null,
      sentAt: null
    }
    // Asked now so a clinic that has not approved support hears it at once (the gate audits the refusal); asked again at each try.
    try {
      this.gate.authorize({ integrationId: target.integrationId, categories: built.categories, actor, summary, details: { requestId: id, payloadHash: built.hash, identityRemoved: input.removeIdentity } })
    } catch (e) {
      if (e instanceof ConsentRefused) store.db.insert(integrationRequests).values({ ...row, status: 'refused', lastError: e.message }).run()
      throw e
    }
    const outboundId = newId()
    store.tx(() => {
      store.db
        .insert(outboundMessages)
        .values({ id: outboundId, integrationId: target.integrationId, orderId: null, kind: 'integration_request', controlId: id, payload: built.payload, categories: JSON.stringify(built.categories), status: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, response: null, createdAt: now, sentAt: null, doneAt: null })
        .run()
      store.db.insert(integrationRequests).values({ ...row, outboundId }).run()
      this.core.audit.append({
        action: 'support.request.queued',
        direction: 'outbound',
        actor,
        integrationId: target.integrationId,
        entityType: 'integration_request',
        entityId: id,
        summary: `Queued: ${summary}, ${built.samples.length} ${built.samples.length === 1 ? 'sample' : 'samples'}${input.removeIdentity ? ' with patient identity removed' : ' WITH patient identity'}`,
        details: { categories: built.categories, payloadHash: built.hash, sampleIds: JSON.parse(row.sampleIds) as string[] }
      })
    })
    this.outbound.wake(target.integrationId)
    return this.view(this.byId(id)!)
  }

  /** Its outbound message was resubmitted (Integrations → Messages): the request waits again. */
  requeued(outboundId: string): void {
    const { store } = this.core
    store.db.update(integrationRequests).set({ status: 'queued', lastError: null, updatedAt: store.nowIso() }).where(eq(integrationRequests.outboundId, outboundId)).run()
  }

  list(limit = 50): IntegrationRequest[] {
    return this.core.store.db.select().from(integrationRequests).orderBy(desc(integrationRequests.createdAt), desc(integrationRequests.id)).limit(limit).all().map((r) => this.view(r))
  }

  /** Transmitters follow the support integrations: added, moved, disabled or turned on again. */
  start(): void {
    this.follow()
    this.sub = this.core.events.subscribe(({ event }) => {
      if (event.type === 'changed' && (event.payload.entity === 'integration' || (event.payload.entity === 'sync' && event.payload.id === 'integrations'))) this.follow()
    })
  }

  stop(): void {
    this.sub?.unsubscribe()
    this.outbound.stop()
  }

  private follow(): void {
    for (const i of this.registry.list()) {
      if (i.kind !== 'support') continue
      const c = this.registry.config(i.id)
      const signature = i.enabled && c.baseUrl && c.apiKey ? `${c.baseUrl}|${c.apiKey}` : ''
      if (this.wired.get(i.id) === signature) continue
      this.wired.set(i.id, signature)
      if (signature) this.outbound.register(i.id, new SupportTransmitter(i.id, this.opts.fetch))
      else this.outbound.unregister(i.id)
    }
  }

  private byId(id: string): Row | undefined {
    return this.core.store.db.select().from(integrationRequests).where(eq(integrationRequests.id, id)).get()
  }

  private answered(msg: OutboundRow, accepted: boolean, detail: string): void {
    const row = this.core.store.db.select().from(integrationRequests).where(eq(integrationRequests.outboundId, msg.id)).get()
    const name = this.registry.row(msg.integrationId).name
    const what = row ? `Request for a new integration (${row.vendor} ${row.model})` : `Request ${msg.controlId}`
    this.gate.recordExchange({
      integrationId: msg.integrationId,
      direction: 'outbound',
      action: accepted ? 'support.request.sent' : 'support.request.refused',
      outcome: accepted ? 'ok' : 'refused',
      summary: accepted ? `${what} sent to ${name}: ticket ${detail}` : `${what} refused by ${name}: ${detail}`,
      details: { requestId: msg.controlId, outboundId: msg.id, categories: JSON.parse(msg.categories) as DataCategory[], ...(accepted ? { ticket: detail } : {}) }
    })
    this.update(msg, accepted ? { status: 'sent', ticket: detail, lastError: null, sentAt: this.core.store.nowIso() } : { status: 'failed', lastError: detail })
  }

  private update(msg: OutboundRow, changes: Partial<Pick<Row, 'status' | 'ticket' | 'lastError' | 'sentAt'>>): void {
    const { store } = this.core
    if (!store.sqlite.open) return
    store.db.update(integrationRequests).set({ ...changes, updatedAt: store.nowIso() }).where(eq(integrationRequests.outboundId, msg.id)).run()
    this.core.events.emit('changed', { entity: 'integration', id: msg.integrationId })
  }

  private view(r: Row): IntegrationRequest {
    return {
      id: r.id,
      createdAt: r.createdAt,
      requestedByName: r.requestedByName,
      system: r.system as IntegrationRequest['system'],
      vendor: r.vendor,
      model: r.model,
      wiring: r.wiring as IntegrationRequest['wiring'],
      wiringDetail: r.wiringDetail,
      contactName: r.contactName,
      contactPhone: r.contactPhone,
      contactEmail: r.contactEmail,
      notes: r.notes,
      sampleIds: JSON.parse(r.sampleIds) as string[],
      identityRemoved: r.identityRemoved,
      categories: JSON.parse(r.categories) as string[],
      payloadHash: r.payloadHash,
      status: r.status,
      ticket: r.ticket,
      lastError: r.lastError,
      sentAt: r.sentAt
    }
  }
}
