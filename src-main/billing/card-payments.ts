/**
 * Card payments on a terminal, by the payment service's server-driven flow (billing.md):
 *  1. a pending payment is committed here first, with its idempotency key and the invoices it is for;
 *  2. a PaymentIntent (manual capture, metadata naming the local payment) is made and sent to the reader;
 *  3. the reader is polled; the desk may cancel; a declined card, a reader gone offline or silent
 *     past the timeout cancels the intent and fails the payment with the reason;
 *  4. captured, the payment succeeds with its allocations and ledger posting in one transaction.
 * A process that dies anywhere in between leaves a pending payment: reconcile() (at start and when
 * the service answers again) asks the service what became of it by the intent or its metadata.
 * Every call spends the consent gate's permit for the exchange. Card data is never queued: while the
 * service cannot be reached, card payments are refused and the Checkout screen says so.
 */
import { and, eq } from 'drizzle-orm'
import { clinics, payments } from '../db/schema'
import { conflict } from '../api/errors'
import type { Actor } from '../domain/actor'
import { SYSTEM_ACTOR } from '../domain/actor'
import type { Core } from '../domain/core'
import type { ConsentGate, Permit, SessionPermit } from '../consent/gate'
import type { IntegrationRegistry } from '../integrations/registry'
import type { CardService, IntegrationConfig } from '../../src-preload/contract'
import type { PaymentRow, PaymentsService } from './payments'
import type { RefundRow, RefundsService } from './refunds'
import { GatewayUnreachable, type CardCharge, type CardGateway, type CardIntent, type CardReader } from './stripe-gateway'

export type GatewayFactory = (c: { integrationId: string; apiKey: string; baseUrl?: string }) => CardGateway

export interface CardOptions {
  /** how often the reader is asked while a card is awaited */
  pollMs?: number
  /** how long a reader may take to answer before the payment is cancelled */
  timeoutMs?: number
  /** how long a reader may stay offline mid-payment */
  offlineMs?: number
}

export interface CardStartInput {
  clientId: string
  amountMinor: number
  readerId: string
  idempotencyKey: string
  allocations: { invoiceId: string; amountMinor: number }[]
  depositFor?: string | null
}

type Progress = 'contacting' | 'waiting_for_card' | 'capturing' | 'canceling'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class CardPayments {
  private health: { online: boolean | null; checkedAt: string | null; message: string | null; readers: CardService['readers'] } = { online: null, checkedAt: null, message: null, readers: [] }
  private probing: Promise<void> | null = null
  private running = new Map<string, { progress: Progress; cancel: boolean }>()
  private reconciling: Promise<void> | null = null
  private stopped = false
  private retry: NodeJS.Timeout | null = null
  private readonly pollMs: number
  private readonly timeoutMs: number
  private readonly offlineMs: number
  private reconciliations = new Map<string, { state: 'ready' | 'fetching' | 'unavailable'; message: string | null; checkedAt: string | null; charges: CardCharge[] }>()

  constructor(
    private readonly core: Core,
    private readonly registry: IntegrationRegistry,
    private readonly gate: ConsentGate,
    private readonly payments: PaymentsService,
    private readonly refunds: RefundsService,
    private readonly gateway: GatewayFactory,
    opts: CardOptions = {}
  ) {
    this.pollMs = opts.pollMs ?? 600
    this.timeoutMs = opts.timeoutMs ?? 120_000
    this.offlineMs = opts.offlineMs ?? 15_000
    // A payments integration set up, fixed or approved (here or by sync): ask the service again.
    core.events.subscribe(({ event }) => {
      if (event.type !== 'changed' || this.stopped) return
      const { entity, id } = event.payload
      if ((entity === 'integration' && this.isPayments(id)) || (entity === 'sync' && id === 'integrations')) {
        this.health = { online: null, checkedAt: null, message: null, readers: [] }
        setImmediate(() => void this.probe())
      }
    })
  }

  private isPayments(id: string): boolean {
    try {
      return this.registry.row(id).kind === 'payments'
    } catch {
      return false
    }
  }

  /** The enabled payments integration (the first, by name), and its config with the key held here. */
  private integration(): { id: string; name: string; config: IntegrationConfig; approved: boolean } | null {
    const i = this.registry.list().find((x) => x.kind === 'payments' && x.enabled)
    if (!i) return null
    return { id: i.id, name: i.name, config: this.registry.config(i.id), approved: !!i.approval?.categories.includes('payments') }
  }

  service(recheck: boolean): CardService {
    const i = this.integration()
    if (i && (recheck || this.health.online === null)) void this.probe()
    return { configured: !!i?.approved, integrationId: i?.id ?? null, name: i?.name ?? null, keyHere: !!i?.config.apiKey, ...this.health }
  }

  /** Asks the service for its readers: whether card payments can be taken now. */
  probe(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (this.probing) return this.probing
    const run = (async () => {
      const i = this.integration()
      try {
        if (!i) return this.setHealth({ online: null, message: null, readers: [] })
        if (!i.config.apiKey) return this.setHealth({ online: false, message: `The key of "${i.name}" was not entered on this workstation: enter it in Settings › Integrations to take cards here`, readers: [] })
        const readers = await this.gw(i).readers(this.gate.authorize({ integrationId: i.id, categories: ['payments'], summary: 'Ask the payment service for its card terminals', actor: SYSTEM_ACTOR }))
        this.setHealth({ online: true, message: null, readers: readers.map((r) => ({ id: r.id, label: r.label, status: r.status })) })
        void this.reconcile()
      } catch (e) {
        if (!this.stopped) this.setHealth({ online: false, message: this.explain(e), readers: this.health.readers })
      }
    })()
    // Cleared once settled (a probe that had nothing to ask settles at once, before this line runs).
    this.probing = run
    void run.finally(() => {
      if (this.probing === run) this.probing = null
    })
    this.track(run)
    return run
  }

  private setHealth(h: { online: boolean | null; message: string | null; readers: CardService['readers'] }): void {
    const changed = h.online !== this.health.online || h.message !== this.health.message || JSON.stringify(h.readers) !== JSON.stringify(this.health.readers)
    this.health = { ...h, checkedAt: this.core.store.nowIso() }
    if (changed) this.core.events.emit('changed', { entity: 'card', id: 'status' })
    // While the service is unreachable, ask again now and then: card payments come back by themselves.
    if (this.retry) clearTimeout(this.retry)
    this.retry = h.online === false && !this.stopped ? setTimeout(() => void this.probe(), 30_000) : null
    this.retry?.unref()
  }

  private explain(e: unknown): string {
    if (e instanceof GatewayUnreachable) return 'The payment service cannot be reached: card payments are off until it answers. Cash, check, credit and an external terminal still work.'
    const err = e as { type?: string; message?: string; code?: string }
    if (err.type === 'StripeAuthenticationError' || err.type === 'StripePermissionError') return `The payment service refused this workstation’s key: ${err.message ?? ''}`.trim()
    return err.message ?? String(e)
  }

  private gw(i: { id: string; config: IntegrationConfig }): CardGateway {
    return this.gateway({ integrationId: i.id, apiKey: i.config.apiKey ?? '', baseUrl: i.config.baseUrl })
  }

  private currency(): string {
    return this.core.store.db.select().from(clinics).get()?.currency ?? 'USD'
  }

  /** Starts a card payment: answers the pending payment at once; the flow goes on in the background. */
  start(actor: Actor, input: CardStartInput): PaymentRow {
    const { store, audit, events } = this.core
    const i = this.integration()
    const earlier = this.payments.earlier({ ...input, method: 'card' })
    if (earlier) return earlier
    if (!i) throw conflict('No card payment service is set up: add a payments integration in Settings › Integrations')
    if (!i.approved) throw conflict(`"${i.name}" is not approved to receive payment data`)
    if (!i.config.apiKey) throw conflict(`The key of "${i.name}" was not entered on this workstation`)
    if (this.health.online === false) throw conflict(this.health.message ?? 'The payment service cannot be reached')
    const p = store.tx(() => {
      this.payments.check(input)
      const row = store.insert(payments, {
        clientId: input.clientId,
        method: 'card',
        status: 'pending',
        amountMinor: input.amountMinor,
        tenderedMinor: null,
        reference: null,
        idempotencyKey: input.idempotencyKey,
        receivedAt: store.nowIso(),
        failure: null,
        integrationId: i.id,
        readerId: input.readerId,
        depositFor: input.depositFor ?? null,
        requestedAllocations: JSON.stringify(input.allocations),
        workstationId: store.deviceId
      })
      audit.append({ action: 'payment.card_started', direction: 'internal', actor, entityType: 'payment', entityId: row.id, summary: `Card payment of ${input.amountMinor} started on terminal ${input.readerId}` })
      events.emit('changed', { entity: 'payment', id: row.id })
      return row
    })
    this.running.set(p.id, { progress: 'contacting', cancel: false })
    this.track(this.run(actor, p, i))
    return p
  }

  progress(paymentId: string): Progress | null {
    return this.running.get(paymentId)?.progress ?? null
  }

  /** Asks the flow to cancel at the reader; a payment no flow here runs is asked of the service. */
  cancel(actor: Actor, paymentId: string): void {
    const run = this.running.get(paymentId)
    const p = this.core.store.byId(payments, paymentId)
    if (!p || p.method !== 'card') throw conflict('Only a card payment is cancelled at the terminal')
    if (p.status !== 'pending') throw conflict(`This payment already ${p.status}`)
    if (!this.mine(p)) throw conflict('This card payment is run by another workstation: cancel it at its terminal there')
    this.core.audit.append({ action: 'payment.card_cancel', direction: 'internal', actor, entityType: 'payment', entityId: p.id, summary: 'Cancel asked at the desk' })
    if (run) {
      run.cancel = true
      this.setProgress(paymentId, 'canceling')
    } else void this.reconcile()
  }

  private setProgress(paymentId: string, progress: Progress): void {
    const run = this.running.get(paymentId)
    if (!run || run.progress === progress) return
    run.progress = progress
    this.core.events.emit('changed', { entity: 'payment', id: paymentId })
  }

  private session(i: { id: string }, p: PaymentRow, what: string, actor: Actor): SessionPermit {
    return this.gate.authorizeSession({ integrationId: i.id, categories: ['payments'], summary: `${what}: ${p.amountMinor} ${this.currency()} (payment ${p.id})`, actor, details: { amountMinor: p.amountMinor, readerId: p.readerId } })
  }

  private exchange(i: { id: string }, action: string, summary: string, outcome: 'ok' | 'error' = 'ok', actor: Actor | null = null): void {
    this.gate.recordExchange({ integrationId: i.id, direction: 'outbound', action, summary, outcome, actor })
  }

  private async run(actor: Actor, p: PaymentRow, i: { id: string; name: string; config: IntegrationConfig }): Promise<void> {
    const gw = this.gw(i)
    let permit: SessionPermit | null = null
    let intentId: string | null = null
    const key = p.idempotencyKey
    try {
      permit = this.session(i, p, 'Card payment on a terminal', actor)
      const intent = await gw.createIntent(permit, { amountMinor: p.amountMinor, currency: this.currency(), localPaymentId: p.id, description: `VetOS payment ${p.id}` }, `${key}:pi`)
      intentId = intent.id
      this.core.store.tx(() => this.core.store.update(payments, p.id, { providerRef: intent.id }))
      this.exchange(i, 'payment.intent_created', `PaymentIntent ${intent.id} for ${p.amountMinor}`, 'ok', actor)
      await this.sendToReader(gw, permit, p, intent.id)
      this.exchange(i, 'payment.sent_to_reader', `PaymentIntent ${intent.id} sent to terminal ${p.readerId}`, 'ok', actor)
      this.setProgress(p.id, 'waiting_for_card')
      const outcome = await this.await(gw, permit, p, intent.id)
      if (outcome.kind === 'presented') {
        this.setProgress(p.id, 'capturing')
        const captured = outcome.intent.status === 'requires_capture' ? await gw.capture(permit, intent.id, `${key}:cap`) : outcome.intent
        this.exchange(i, 'payment.captured', `PaymentIntent ${intent.id} captured: ${captured.amountMinor}`, 'ok', actor)
        this.succeed(actor, p.id, captured)
      } else {
        const held = await this.abandon(gw, permit, p, intent.id, outcome.kind !== 'declined')
        if (held) {
          // The card was read just as the payment was cancelled: the money is held, so it is collected.
          this.succeed(actor, p.id, await gw.capture(permit, intent.id, `${key}:cap`))
          this.exchange(i, 'payment.captured', `PaymentIntent ${intent.id} captured: the card was read as it was cancelled`, 'ok', actor)
        } else {
          this.exchange(i, 'payment.failed', `PaymentIntent ${intent.id}: ${outcome.reason}`, 'error', actor)
          this.finish(actor, p.id, outcome.kind === 'canceled' ? 'canceled' : 'failed', outcome.reason)
        }
      }
    } catch (e) {
      if (this.stopped) return
      if (e instanceof GatewayUnreachable) {
        // The service may hold an intent or a charge this workstation cannot see now (a lost answer):
        // the payment stays pending and is reconciled when the service answers again.
        this.setHealth({ online: false, message: this.explain(e), readers: this.health.readers })
        this.core.audit.append({ action: 'payment.card_unknown', direction: 'internal', actor, outcome: 'error', entityType: 'payment', entityId: p.id, summary: `Card payment ${p.id}: the payment service stopped answering; it is settled when it answers again` })
      } else {
        let held = false
        if (permit && intentId) held = await this.abandon(gw, permit, p, intentId, true).catch(() => true)
        if (!held) this.finish(actor, p.id, 'failed', this.explain(e))
        else {
          this.running.delete(p.id)
          void this.reconcile()
        }
      }
    } finally {
      permit?.end()
      this.running.delete(p.id)
      if (!this.stopped) this.core.events.emit('changed', { entity: 'payment', id: p.id })
    }
  }

  /**
   * Sends the intent to the reader. A reader still holding an action of a payment that is over here
   * (its desk gave up while the reader was offline) is cleared first; another live payment is not.
   */
  private async sendToReader(gw: CardGateway, permit: Permit, p: PaymentRow, intentId: string): Promise<void> {
    try {
      await gw.process(permit, p.readerId!, intentId, `${p.idempotencyKey}:proc`)
    } catch (e) {
      if ((e as { code?: string }).code !== 'terminal_reader_busy') throw e
      const reader = await gw.reader(permit, p.readerId!)
      const holder = reader.action?.intentId ? this.core.store.db.select().from(payments).where(eq(payments.providerRef, reader.action.intentId)).get() : undefined
      if (holder?.status === 'pending' || (reader.action?.intentId && !holder)) throw new Error(`Terminal ${reader.label} is busy with another payment`)
      await gw.cancelAction(permit, p.readerId!, `${p.idempotencyKey}:clear`)
      await gw.process(permit, p.readerId!, intentId, `${p.idempotencyKey}:proc-again`)
    }
  }

  /** Polls the reader until the card was read, declined, the desk cancelled, or time ran out. */
  private async await(gw: CardGateway, permit: Permit, p: PaymentRow, intentId: string): Promise<{ kind: 'presented'; intent: CardIntent } | { kind: 'declined' | 'canceled' | 'timeout' | 'offline'; reason: string }> {
    const started = Date.now()
    let offlineSince: number | null = null
    for (;;) {
      if (this.stopped) throw new GatewayUnreachable('VetOS is closing')
      const run = this.running.get(p.id)
      if (run?.cancel) return { kind: 'canceled', reason: 'Cancelled at the desk' }
      let reader: CardReader | null = null
      try {
        reader = await gw.reader(permit, p.readerId!)
      } catch (e) {
        if (!(e instanceof GatewayUnreachable) || Date.now() - started > this.timeoutMs) throw e
      }
      if (reader) {
        const action = reader.action && reader.action.intentId === intentId ? reader.action : null
        if (action?.status === 'succeeded') {
          const intent = await gw.intent(permit, intentId)
          if (intent.status === 'requires_capture' || intent.status === 'succeeded') return { kind: 'presented', intent }
        }
        if (action?.status === 'failed') return { kind: 'declined', reason: action.failureMessage ?? action.failureCode ?? 'The card was declined' }
        if (reader.status === 'offline') {
          offlineSince ??= Date.now()
          if (Date.now() - offlineSince > this.offlineMs) return { kind: 'offline', reason: `Terminal ${reader.label} went offline` }
        } else offlineSince = null
      }
      if (Date.now() - started > this.timeoutMs) return { kind: 'timeout', reason: `The terminal did not answer within ${Math.round(this.timeoutMs / 1000)} s` }
      await sleep(this.pollMs)
    }
  }

  /**
   * Clears the reader and cancels the intent, so no charge can follow a payment marked failed.
   * Answers true when the intent could not be cancelled because the card was read (money held).
   */
  private async abandon(gw: CardGateway, permit: Permit, p: PaymentRow, intentId: string, clearReader: boolean): Promise<boolean> {
    if (clearReader) {
      await gw.cancelAction(permit, p.readerId!, `${p.idempotencyKey}:cancel-action`).catch((e: unknown) => {
        if (e instanceof GatewayUnreachable) throw e
      })
    }
    try {
      await gw.cancelIntent(permit, intentId, `${p.idempotencyKey}:cancel`)
      return false
    } catch (e) {
      if (e instanceof GatewayUnreachable) throw e
      const now = await gw.intent(permit, intentId)
      return now.status === 'requires_capture' || now.status === 'succeeded'
    }
  }

  /** Captured: the payment succeeds, paying what is still due of the invoices it was for. */
  private succeed(actor: Actor | null, paymentId: string, intent: CardIntent): void {
    const { store } = this.core
    store.tx(() => {
      const p = store.byId(payments, paymentId)!
      if (p.status !== 'pending') return
      store.update(payments, p.id, { status: 'succeeded', providerRef: intent.id, cardBrand: intent.card?.brand ?? null, cardLast4: intent.card?.last4 ?? null, receivedAt: store.nowIso() })
      const requested = JSON.parse(p.requestedAllocations ?? '[]') as { invoiceId: string; amountMinor: number }[]
      // Another desk may have paid part of an invoice meanwhile: what is no longer due becomes credit.
      const allocations = requested.map((a) => ({ invoiceId: a.invoiceId, amountMinor: Math.min(a.amountMinor, Math.max(0, this.payments.dueOn(a.invoiceId))) })).filter((a) => a.amountMinor > 0)
      this.payments.post(actor ?? SYSTEM_ACTOR, store.byId(payments, p.id)!, allocations)
    })
  }

  private finish(actor: Actor | null, paymentId: string, status: 'failed' | 'canceled', reason: string): void {
    const { store, audit, events } = this.core
    store.tx(() => {
      const p = store.byId(payments, paymentId)!
      if (p.status !== 'pending') return
      store.update(payments, p.id, { status, failure: reason })
      audit.append({ action: `payment.card_${status}`, direction: 'internal', actor, outcome: 'error', entityType: 'payment', entityId: p.id, summary: `Card payment of ${p.amountMinor} ${status}: ${reason}` })
      events.emit('changed', { entity: 'payment', id: p.id })
    })
  }

  /**
   * Every pending card payment no flow here is running, and every pending card refund, settled by
   * what the payment service says happened. Run at start and whenever the service answers again.
   */
  reconcile(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (!this.reconciling) {
      this.reconciling = this.reconcileOnce().finally(() => (this.reconciling = null))
      this.track(this.reconciling)
    }
    return this.reconciling
  }

  private async reconcileOnce(): Promise<void> {
    const i = this.integration()
    if (!i?.config.apiKey || !i.approved) return
    const gw = this.gw(i)
    const stuck = this.core.store.db
      .select()
      .from(payments)
      .where(and(eq(payments.method, 'card'), eq(payments.status, 'pending')))
      .all()
      .filter((p) => !this.running.has(p.id) && this.mine(p) && (p.integrationId === i.id || !p.integrationId))
    for (const p of stuck) {
      if (this.stopped) return
      const permit = this.session(i, p, 'Reconcile a card payment left pending', SYSTEM_ACTOR)
      try {
        const intent = p.providerRef ? await gw.intent(permit, p.providerRef) : await gw.findIntent(permit, p.id)
        if (!intent) this.finish(null, p.id, 'canceled', 'It never reached the payment service')
        else if (intent.status === 'succeeded') this.succeed(null, p.id, intent)
        else if (intent.status === 'requires_capture') {
          // The card was read and the money held: the client meant to pay, so it is collected.
          this.succeed(null, p.id, await gw.capture(permit, intent.id, `${p.idempotencyKey}:cap`))
        } else if (intent.status === 'canceled') this.finish(null, p.id, 'canceled', 'Cancelled at the payment service')
        else if (await this.abandon(gw, permit, p, intent.id, true)) {
          this.succeed(null, p.id, await gw.capture(permit, intent.id, `${p.idempotencyKey}:cap`))
        } else this.finish(null, p.id, 'canceled', 'Interrupted before the card was read (VetOS was closed or lost the service)')
        this.exchange(i, 'payment.reconciled', `Card payment ${p.id} reconciled: PaymentIntent ${intent?.id ?? 'none'} was ${intent?.status ?? 'never made'}`)
      } catch (e) {
        if (e instanceof GatewayUnreachable) return
        this.core.audit.append({ action: 'payment.reconcile_failed', direction: 'internal', outcome: 'error', entityType: 'payment', entityId: p.id, summary: `Could not reconcile card payment ${p.id}: ${(e as Error).message}` })
      } finally {
        permit.end()
      }
    }
    for (const r of this.refunds.pending()) {
      const p = this.core.store.byId(payments, r.paymentId)
      if (!p || p.method !== 'card' || !p.providerRef || this.refunding.has(r.id) || !this.mine(r)) continue
      await this.sendRefund(null, r, p, true).catch(() => {})
    }
  }

  private refunding = new Set<string>()

  /**
   * Only the workstation that began an exchange settles it: another that saw the pending row by
   * sync would otherwise cancel a payment still at the terminal, or post a second time.
   */
  private mine(row: { workstationId: string | null }): boolean {
    return row.workstationId === null || row.workstationId === this.core.store.deviceId
  }

  /** A card refund through the payment service; settled or failed when it answers. */
  refund(actor: Actor, r: RefundRow, p: PaymentRow): void {
    this.track(this.sendRefund(actor, r, p, false))
  }

  private async sendRefund(actor: Actor | null, r: RefundRow, p: PaymentRow, reconciling: boolean): Promise<void> {
    const i = this.integration()
    if (!i?.config.apiKey || !p.providerRef) return this.refunds.fail(actor, r.id, 'The payment service is not set up on this workstation')
    this.refunding.add(r.id)
    const permit = this.gate.authorizeSession({ integrationId: i.id, categories: ['payments'], summary: `Card refund of ${r.amountMinor} on payment ${p.id}`, actor: actor ?? SYSTEM_ACTOR })
    const gw = this.gw(i)
    try {
      // After a crash the refund may exist already: found by its metadata, it is not made twice.
      const made = reconciling ? await gw.findRefund(permit, p.providerRef, r.id) : null
      const refund = made ?? (await gw.refund(permit, { intentId: p.providerRef, amountMinor: r.amountMinor, localRefundId: r.id }, r.idempotencyKey))
      this.exchange(i, 'payment.refunded', `Refund ${refund.id} of ${r.amountMinor} on PaymentIntent ${p.providerRef}: ${refund.status}`, refund.status === 'failed' ? 'error' : 'ok', actor)
      if (refund.status === 'failed' || refund.status === 'canceled') this.refunds.fail(actor, r.id, `The payment service refused the refund (${refund.status})`)
      else this.refunds.settle(actor, r.id, refund.id)
    } catch (e) {
      if (e instanceof GatewayUnreachable) {
        this.setHealth({ online: false, message: this.explain(e), readers: this.health.readers })
        return // stays pending: sent again (found first) when the service answers
      }
      this.exchange(i, 'payment.refund_refused', `Refund of ${r.amountMinor} on PaymentIntent ${p.providerRef}: ${(e as Error).message}`, 'error', actor)
      this.refunds.fail(actor, r.id, this.explain(e))
    } finally {
      permit.end()
      this.refunding.delete(r.id)
    }
  }

  /** End of day: the service's charges of the clinic's day (range: its UTC bounds), fetched in the background. */
  charges(date: string, refresh: boolean, range: { start: string; end: string }): { state: 'ready' | 'fetching' | 'unavailable'; message: string | null; checkedAt: string | null; charges: CardCharge[] } {
    const known = this.reconciliations.get(date)
    if (!known || (refresh && known.state !== 'fetching')) {
      const i = this.integration()
      const entry = { state: 'fetching' as const, message: null, checkedAt: known?.checkedAt ?? null, charges: known?.charges ?? [] }
      this.reconciliations.set(date, entry)
      this.track((async () => {
        try {
          if (!i?.config.apiKey || !i.approved) throw new Error('No card payment service is set up on this workstation')
          const charges = await this.gw(i).charges(this.gate.authorize({ integrationId: i.id, categories: ['payments'], summary: `Read the payment service’s charges of ${date} for end-of-day reconciliation`, actor: SYSTEM_ACTOR }), Math.floor(Date.parse(range.start) / 1000), Math.floor(Date.parse(range.end) / 1000))
          this.reconciliations.set(date, { state: 'ready', message: null, checkedAt: this.core.store.nowIso(), charges })
        } catch (e) {
          this.reconciliations.set(date, { state: 'unavailable', message: this.explain(e), checkedAt: this.core.store.nowIso(), charges: [] })
        }
        if (!this.stopped) this.core.events.emit('changed', { entity: 'card', id: `reconciliation:${date}` })
      })())
    }
    return this.reconciliations.get(date)!
  }

  /** Stops polling; a payment under way stays pending and is reconciled at the next start. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.retry) clearTimeout(this.retry)
    await Promise.race([Promise.allSettled([...this.flows]), sleep(3000)])
  }

  private flows = new Set<Promise<unknown>>()

  /** Runs a background exchange; once VetOS is closing nothing more is written. */
  private track(p: Promise<unknown>): void {
    const guarded = p.catch((e: unknown) => {
      if (!this.stopped) this.core.audit.append({ action: 'payment.card_error', direction: 'internal', outcome: 'error', summary: `Card payments: ${(e as Error).message}` })
    })
    this.flows.add(guarded)
    void guarded.finally(() => this.flows.delete(guarded))
  }
}
