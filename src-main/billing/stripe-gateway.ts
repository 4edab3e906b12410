/**
 * The payment service, as card payments need it: Stripe Terminal's server-driven integration through
 * stripe-node (billing.md: the JS SDK cannot run in the main process). Every call spends the consent
 * gate's permit for the exchange right before it leaves, so consent is checked when data leaves. The
 * key is the workstation's own (sealed in workstation_secrets); baseUrl points stripe-node at another
 * host (the Stripe simulator in the demo and the tests), and is Stripe itself when not set.
 */
import Stripe from 'stripe'
import type { Permit } from '../consent/gate'

export interface CardReader {
  id: string
  label: string
  status: string
  action: { status: 'in_progress' | 'succeeded' | 'failed'; failureCode: string | null; failureMessage: string | null; intentId: string | null } | null
}

export interface CardIntent {
  id: string
  status: string
  amountMinor: number
  localPaymentId: string | null
  card: { brand: string | null; last4: string | null } | null
  lastError: string | null
}

export interface CardCharge {
  intentId: string | null
  amountMinor: number
  refundedMinor: number
  captured: boolean
  status: string
  created: number
}

/** The payment service could not be reached (not a refusal: ask again later). */
export class GatewayUnreachable extends Error {}

/** What card payments ask of the payment service; tests may stand a fake in its place. */
export interface CardGateway {
  readers(permit: Permit): Promise<CardReader[]>
  reader(permit: Permit, readerId: string): Promise<CardReader>
  createIntent(permit: Permit, p: { amountMinor: number; currency: string; localPaymentId: string; description: string }, key: string): Promise<CardIntent>
  process(permit: Permit, readerId: string, intentId: string, key: string): Promise<CardReader>
  cancelAction(permit: Permit, readerId: string, key: string): Promise<void>
  intent(permit: Permit, id: string): Promise<CardIntent>
  /** the intent made for a local payment, found by its metadata (a crash may have lost its id) */
  findIntent(permit: Permit, localPaymentId: string): Promise<CardIntent | null>
  capture(permit: Permit, id: string, key: string): Promise<CardIntent>
  cancelIntent(permit: Permit, id: string, key: string): Promise<CardIntent>
  refund(permit: Permit, p: { intentId: string; amountMinor: number; localRefundId: string }, key: string): Promise<{ id: string; status: string }>
  /** the refund made for a local refund, if it was made */
  findRefund(permit: Permit, intentId: string, localRefundId: string): Promise<{ id: string; status: string } | null>
  charges(permit: Permit, fromUnix: number, toUnix: number): Promise<CardCharge[]>
}

export interface StripeGatewayConfig {
  integrationId: string
  apiKey: string
  /** another host than api.stripe.com (http allowed only for loopback, the simulator) */
  baseUrl?: string
}

export function stripeGateway(config: StripeGatewayConfig): CardGateway {
  const url = config.baseUrl ? new URL(config.baseUrl) : null
  if (url && url.protocol === 'http:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) throw new Error('The payment service is reached over https (http is for a simulator on this machine)')
  const stripe = new Stripe(config.apiKey, {
    ...(url ? { host: url.hostname, port: Number(url.port || (url.protocol === 'http:' ? 80 : 443)), protocol: url.protocol === 'http:' ? 'http' : 'https' } : {}),
    maxNetworkRetries: 0,
    timeout: 15_000,
    telemetry: false
  })
  // Spend the permit, then call; a connection failure is told apart from the service's own answer.
  const call = async <T>(permit: Permit, fn: () => Promise<T>): Promise<T> => {
    permit.spend(config.integrationId)
    try {
      return await fn()
    } catch (e) {
      if (e instanceof Stripe.errors.StripeConnectionError || (e as { type?: string }).type === 'StripeConnectionError') throw new GatewayUnreachable('The payment service cannot be reached')
      if (e instanceof Stripe.errors.StripeAPIError && (e.statusCode ?? 500) >= 500) throw new GatewayUnreachable(`The payment service failed: ${e.message}`)
      throw e
    }
  }
  const reader = (r: Stripe.Terminal.Reader | Stripe.Terminal.DeletedReader): CardReader => {
    if ('deleted' in r && r.deleted) return { id: r.id, label: '(removed)', status: 'offline', action: null }
    const live = r as Stripe.Terminal.Reader
    const a = live.action
    const pi = a?.process_payment_intent?.payment_intent
    return {
      id: live.id,
      label: live.label ?? live.id,
      status: live.status ?? 'offline',
      action: a ? { status: a.status as 'in_progress' | 'succeeded' | 'failed', failureCode: a.failure_code ?? null, failureMessage: a.failure_message ?? null, intentId: typeof pi === 'string' ? pi : (pi?.id ?? null) } : null
    }
  }
  const intent = (pi: Stripe.PaymentIntent): CardIntent => {
    const charge = typeof pi.latest_charge === 'object' && pi.latest_charge ? pi.latest_charge : null
    const present = charge?.payment_method_details?.card_present
    return {
      id: pi.id,
      status: pi.status,
      amountMinor: pi.amount,
      localPaymentId: pi.metadata?.local_payment_id ?? null,
      card: present ? { brand: present.brand ?? null, last4: present.last4 ?? null } : null,
      lastError: pi.last_payment_error?.message ?? null
    }
  }
  const expand = { expand: ['latest_charge'] }
  return {
    readers: async (permit) => (await call(permit, () => stripe.terminal.readers.list({ limit: 100 }))).data.map(reader),
    reader: async (permit, id) => reader(await call(permit, () => stripe.terminal.readers.retrieve(id))),
    createIntent: async (permit, p, key) =>
      intent(
        await call(permit, () =>
          stripe.paymentIntents.create(
            { amount: p.amountMinor, currency: p.currency.toLowerCase(), allowed_payment_method_types: ['card_present'], capture_method: 'manual', description: p.description, metadata: { local_payment_id: p.localPaymentId } },
            { idempotencyKey: key }
          )
        )
      ),
    process: async (permit, readerId, intentId, key) => reader(await call(permit, () => stripe.terminal.readers.processPaymentIntent(readerId, { payment_intent: intentId }, { idempotencyKey: key }))),
    cancelAction: async (permit, readerId, key) => void (await call(permit, () => stripe.terminal.readers.cancelAction(readerId, {}, { idempotencyKey: key }))),
    intent: async (permit, id) => intent(await call(permit, () => stripe.paymentIntents.retrieve(id, expand))),
    findIntent: async (permit, localId) => {
      const found = await call(permit, () => stripe.paymentIntents.search({ query: `metadata['local_payment_id']:'${localId.replace(/'/g, '')}'`, limit: 1 }))
      return found.data[0] ? intent(await call(permit, () => stripe.paymentIntents.retrieve(found.data[0].id, expand))) : null
    },
    capture: async (permit, id, key) => intent(await call(permit, () => stripe.paymentIntents.capture(id, { expand: ['latest_charge'] }, { idempotencyKey: key }))),
    cancelIntent: async (permit, id, key) => intent(await call(permit, () => stripe.paymentIntents.cancel(id, {}, { idempotencyKey: key }))),
    refund: async (permit, p, key) => {
      const r = await call(permit, () => stripe.refunds.create({ payment_intent: p.intentId, amount: p.amountMinor, metadata: { local_refund_id: p.localRefundId } }, { idempotencyKey: key }))
      return { id: r.id, status: r.status ?? 'pending' }
    },
    findRefund: async (permit, intentId, localRefundId) => {
      const list = await call(permit, () => stripe.refunds.list({ payment_intent: intentId, limit: 100 }))
      const r = list.data.find((x) => x.metadata?.local_refund_id === localRefundId)
      return r ? { id: r.id, status: r.status ?? 'pending' } : null
    },
    charges: async (permit, fromUnix, toUnix) => {
      const out: CardCharge[] = []
      let after: string | undefined
      for (;;) {
        const page = await call(permit, () => stripe.charges.list({ created: { gte: fromUnix, lt: toUnix }, limit: 100, ...(after ? { starting_after: after } : {}) }))
        for (const c of page.data) out.push({ intentId: typeof c.payment_intent === 'string' ? c.payment_intent : (c.payment_intent?.id ?? null), amountMinor: c.amount, refundedMinor: c.amount_refunded, captured: c.captured, status: c.status, created: c.created })
        if (!page.has_more || page.data.length === 0) return out
        after = page.data[page.data.length - 1].id
      }
    }
  }
}
