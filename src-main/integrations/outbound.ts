import { and, asc, eq } from 'drizzle-orm'
import { outboundMessages } from '../db/schema'
import type { Core } from '../domain/core'
import { ConsentRefused, type ConsentGate, type Permit } from '../consent/gate'
import type { DataCategory } from '../../src-preload/contract'
import type { IntegrationRegistry } from './registry'
import { SYSTEM_ACTOR } from '../domain/actor'
import { conflict, notFound } from '../api/errors'

export type OutboundRow = typeof outboundMessages.$inferSelect

export interface Answer {
  accepted: boolean
  response: Buffer
  /** the peer's words: ACK text, error segment */
  detail: string
}

/**
 * One integration's transport: sends one message and returns the peer's answer; throws when the
 * link fails. It spends the gate's permit right before the bytes leave (ConsentRefused if consent
 * was withdrawn in between).
 */
export interface Transmitter {
  send(permit: Permit, payload: Buffer, controlId: string): Promise<Answer>
}

export interface OutboundHooks {
  /** the message reached the peer and was answered */
  answered(msg: OutboundRow, answer: Answer): void
  /** the link failed; the message waits for the next attempt */
  waiting(msg: OutboundRow, error: string, firstFailure: boolean): void
  /** the consent gate no longer permits it */
  refused(msg: OutboundRow, reason: string): void
}

const MAX_BACKOFF_MS = 5 * 60_000

/**
 * The durable outbound queue. Messages are rows (committed with the order that caused them), sent
 * one at a time per integration in the order they were queued, retried with backoff while the link
 * is down, and still there after a restart. A message is only done when the peer answered.
 */
export class OutboundQueue {
  private transmitters = new Map<string, Transmitter>()
  private busy = new Set<string>()
  private again = new Set<string>()
  private timers = new Map<string, NodeJS.Timeout>()
  private stopped = false

  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly hooks: OutboundHooks,
    /** an integration whose messages wait for now (capture mode: nothing goes to a device being profiled) */
    private readonly held: (integrationId: string) => boolean = () => false
  ) {}

  register(integrationId: string, t: Transmitter): void {
    this.transmitters.set(integrationId, t)
    this.wake(integrationId)
  }

  unregister(integrationId: string): void {
    this.transmitters.delete(integrationId)
    clearTimeout(this.timers.get(integrationId))
  }

  stop(): void {
    this.stopped = true
    for (const t of this.timers.values()) clearTimeout(t)
  }

  pending(integrationId: string): number {
    return this.core.store.db.select().from(outboundMessages).where(and(eq(outboundMessages.integrationId, integrationId), eq(outboundMessages.status, 'pending'))).all().length
  }

  /** Sends what is due for this integration now, and sets a timer for what is due later. */
  wake(integrationId: string): void {
    if (this.stopped || !this.transmitters.has(integrationId)) return
    // A pump that already looked for work may be about to stop: have it look once more.
    if (this.busy.has(integrationId)) return void this.again.add(integrationId)
    this.busy.add(integrationId)
    void this.pump(integrationId).finally(() => {
      this.busy.delete(integrationId)
      if (this.again.delete(integrationId)) this.wake(integrationId)
    })
  }

  /** A failed message goes back to the head of its queue (the Integrations screen's "resubmit"). */
  resubmit(messageId: string): OutboundRow {
    const { store } = this.core
    const m = store.db.select().from(outboundMessages).where(eq(outboundMessages.id, messageId)).get()
    if (!m) throw notFound('Message')
    if (m.status === 'acked' || m.status === 'cancelled') throw conflict(`This message is ${m.status}; nothing to resubmit`)
    store.db.update(outboundMessages).set({ status: 'pending', nextAttemptAt: store.nowIso(), lastError: null }).where(eq(outboundMessages.id, messageId)).run()
    this.wake(m.integrationId)
    return store.db.select().from(outboundMessages).where(eq(outboundMessages.id, messageId)).get()!
  }

  /** The gate refused (and audited it): the message is failed, not retried; resubmitting asks again. */
  private refuse(msg: OutboundRow, reason: string): void {
    const { store } = this.core
    store.db.update(outboundMessages).set({ status: 'failed', lastError: reason, doneAt: store.nowIso() }).where(eq(outboundMessages.id, msg.id)).run()
    this.hooks.refused(msg, reason)
  }

  private head(integrationId: string): OutboundRow | undefined {
    return this.core.store.db
      .select()
      .from(outboundMessages)
      .where(and(eq(outboundMessages.integrationId, integrationId), eq(outboundMessages.status, 'pending')))
      .orderBy(asc(outboundMessages.seq))
      .limit(1)
      .get()
  }

  private async pump(integrationId: string): Promise<void> {
    const { store } = this.core
    for (;;) {
      if (this.stopped) return
      const t = this.transmitters.get(integrationId)
      const msg = this.head(integrationId)
      if (!t || !msg || this.held(integrationId)) return
      const due = Date.parse(msg.nextAttemptAt ?? msg.createdAt) - Date.now()
      if (due > 0) {
        clearTimeout(this.timers.get(integrationId))
        this.timers.set(integrationId, setTimeout(() => this.wake(integrationId), due).unref())
        return
      }
      // Approval can be withdrawn while a message waits: ask again, for every category it carries, before every exchange.
      let permit: Permit
      try {
        permit = this.gate.authorize({ integrationId, categories: JSON.parse(msg.categories) as DataCategory[], actor: SYSTEM_ACTOR, summary: `Queued ${msg.kind} ${msg.controlId}` })
      } catch (e) {
        this.refuse(msg, (e as Error).message)
        continue
      }
      const attempt = msg.attempts + 1
      store.db.update(outboundMessages).set({ attempts: attempt, sentAt: store.nowIso() }).where(eq(outboundMessages.id, msg.id)).run()
      try {
        const answer = await t.send(permit, msg.payload, msg.controlId)
        // Closed while on the wire: the message stays pending and goes again at the next start.
        if (!store.sqlite.open) return
        store.tx(() => {
          store.db
            .update(outboundMessages)
            .set({ status: answer.accepted ? 'acked' : 'rejected', response: answer.response, lastError: answer.accepted ? null : answer.detail, doneAt: store.nowIso() })
            .where(eq(outboundMessages.id, msg.id))
            .run()
          this.hooks.answered({ ...msg, attempts: attempt }, answer)
        })
        this.registry.setStatus(integrationId, 'connected', null)
      } catch (e) {
        if (this.stopped || !store.sqlite.open) return
        if (e instanceof ConsentRefused) {
          this.refuse(msg, e.message)
          continue
        }
        const error = e instanceof Error ? e.message : String(e)
        const config = this.registry.config(integrationId)
        const base = (config.retrySeconds ?? 2) * 1000
        const backoff = Math.min(MAX_BACKOFF_MS, base * 2 ** Math.min(attempt - 1, 12))
        store.db.update(outboundMessages).set({ lastError: error, nextAttemptAt: new Date(Date.now() + backoff).toISOString() }).where(eq(outboundMessages.id, msg.id)).run()
        this.registry.setStatus(integrationId, 'error', `${error}; ${this.pending(integrationId)} waiting, next try in ${Math.round(backoff / 1000)} s`)
        this.hooks.waiting(msg, error, attempt === 1)
      }
    }
  }
}
