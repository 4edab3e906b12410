/**
 * The Stripe simulator, driven only through the real stripe-node client: the point is that
 * stripe-node talks to it as it talks to Stripe (form bodies, keys, idempotency, error classes).
 */
import Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StripeSimulator } from '../../src-main/simulators/stripe'

const KEY = 'sk_test_vetos_simulator'
let sim: StripeSimulator
let stripe: Stripe

const client = (key = KEY, extra: { timeout?: number } = {}) => new Stripe(key, { host: '127.0.0.1', port: sim.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false, ...extra })

/** A terminal payment for `amount`, approved on the given reader. */
async function pay(reader: string, amount: number, captureMethod: 'automatic' | 'manual' = 'automatic', metadata: Record<string, string> = {}) {
  const pi = await stripe.paymentIntents.create({ amount, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: captureMethod, metadata })
  await stripe.terminal.readers.processPaymentIntent(reader, { payment_intent: pi.id })
  await stripe.testHelpers.terminal.readers.presentPaymentMethod(reader, { card_present: { number: '4242424242424242' } })
  return stripe.paymentIntents.retrieve(pi.id)
}

beforeAll(async () => {
  sim = new StripeSimulator({
    readers: [
      { id: 'tmr_front', label: 'Front desk' },
      { id: 'tmr_exam', label: 'Exam room 2' },
      { id: 'tmr_spare', label: 'Spare' }
    ]
  })
  await sim.start()
  stripe = client()
})

afterAll(() => sim.stop())

describe('Stripe simulator through stripe-node', () => {
  it('runs the server-driven terminal flow: process, tap, authorize, capture', async () => {
    const created = await stripe.paymentIntents.create({ amount: 12_550, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: 'manual', metadata: { local_payment_id: 'pay-1' } })
    expect(created).toMatchObject({ object: 'payment_intent', status: 'requires_payment_method', amount: 12_550, currency: 'usd', capture_method: 'manual', livemode: false, metadata: { local_payment_id: 'pay-1' } })
    expect(created.id).toMatch(/^pi_/)
    // stripe-node's form body arrived as nested params.
    const sent = sim.requests.findLast((r) => r.method === 'POST' && r.path === '/v1/payment_intents')!
    expect(sent.body).toMatchObject({ amount: '12550', allowed_payment_method_types: ['card_present'], metadata: { local_payment_id: 'pay-1' } })
    expect(sent.idempotencyKey).toMatch(/^stripe-node-retry-/)

    const processing = await stripe.terminal.readers.processPaymentIntent('tmr_front', { payment_intent: created.id })
    expect(processing).toMatchObject({ id: 'tmr_front', object: 'terminal.reader', status: 'online', action: { type: 'process_payment_intent', status: 'in_progress', process_payment_intent: { payment_intent: created.id } } })
    expect((await stripe.paymentIntents.retrieve(created.id)).status).toBe('requires_payment_method')

    const tapped = await stripe.testHelpers.terminal.readers.presentPaymentMethod('tmr_front', { card_present: { number: '4242424242424242' } })
    expect(tapped.action?.status).toBe('succeeded')
    const authorized = await stripe.paymentIntents.retrieve(created.id, { expand: ['latest_charge'] })
    expect(authorized).toMatchObject({ status: 'requires_capture', amount_capturable: 12_550, amount_received: 0 })
    const auth = authorized.latest_charge as Stripe.Charge
    expect(auth).toMatchObject({ object: 'charge', captured: false, status: 'succeeded', payment_method_details: { type: 'card_present', card_present: { last4: '4242', brand: 'visa' } } })

    const captured = await stripe.paymentIntents.capture(created.id)
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 12_550, amount_capturable: 0, latest_charge: auth.id })

    const listed = await stripe.charges.list({ created: { gte: created.created }, limit: 100 })
    expect(listed.object).toBe('list')
    expect(listed.data.find((c) => c.payment_intent === created.id)).toMatchObject({ id: auth.id, amount: 12_550, amount_captured: 12_550, amount_refunded: 0, captured: true, status: 'succeeded' })
    expect(sim.charges().find((c) => c.id === auth.id)).toMatchObject({ amount: 12_550, amount_refunded: 0, captured: true, payment_intent: created.id })
    const events = await stripe.events.list({ type: 'payment_intent.succeeded' })
    expect(events.data.some((e) => (e.data.object as { id: string }).id === created.id)).toBe(true)
  })

  it('leaves a declined intent ready for another card, with the decline on the reader action', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 4_000, currency: 'usd', allowed_payment_method_types: ['card_present'] })
    await stripe.terminal.readers.processPaymentIntent('tmr_front', { payment_intent: pi.id })
    const declined = await stripe.testHelpers.terminal.readers.presentPaymentMethod('tmr_front', { card_present: { number: '4000000000009995' } })
    expect(declined.action).toMatchObject({ status: 'failed', failure_code: 'card_declined', failure_message: 'Your card has insufficient funds.' })
    const after = await stripe.paymentIntents.retrieve(pi.id)
    expect(after.status).toBe('requires_payment_method')
    expect(after.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' })

    // The same intent takes the next card.
    await stripe.terminal.readers.processPaymentIntent('tmr_front', { payment_intent: pi.id })
    await stripe.testHelpers.terminal.readers.presentPaymentMethod('tmr_front', {})
    const paid = await stripe.paymentIntents.retrieve(pi.id)
    expect(paid).toMatchObject({ status: 'succeeded', amount_received: 4_000, last_payment_error: null })
    expect(sim.charges().filter((c) => c.payment_intent === pi.id).map((c) => c.status)).toEqual(['failed', 'succeeded'])
  })

  it('cancels a reader action, leaving the intent to be retried or canceled', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 900, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: 'manual' })
    await stripe.terminal.readers.processPaymentIntent('tmr_front', { payment_intent: pi.id })
    const canceled = await stripe.terminal.readers.cancelAction('tmr_front')
    expect(canceled).toMatchObject({ action: { status: 'failed', failure_code: 'canceled', api_error: null } })
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('requires_payment_method')
    await expect(stripe.terminal.readers.cancelAction('tmr_front')).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    await expect(stripe.testHelpers.terminal.readers.presentPaymentMethod('tmr_front')).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(await stripe.paymentIntents.cancel(pi.id, { cancellation_reason: 'abandoned' })).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' })
    await expect(stripe.paymentIntents.cancel(pi.id)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'payment_intent_unexpected_state' })
  })

  it('refuses an offline reader and a busy one, and keeps an action in progress across an outage', async () => {
    const pi = await stripe.paymentIntents.create({ amount: 2_500, currency: 'usd', allowed_payment_method_types: ['card_present'] })
    sim.setReaderOnline('tmr_exam', false)
    const offline = await stripe.terminal.readers.processPaymentIntent('tmr_exam', { payment_intent: pi.id }).catch((e: unknown) => e)
    expect(offline).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError)
    expect(offline).toMatchObject({ code: 'terminal_reader_offline', statusCode: 400 })
    expect((await stripe.terminal.readers.retrieve('tmr_exam')) as Stripe.Terminal.Reader).toMatchObject({ status: 'offline' })

    // The simulator's own HTTP control brings it back.
    const back = await stripe.rawRequest('POST', '/v1/test_helpers/terminal/readers/tmr_exam/set_status', { status: 'online' })
    expect(back.status).toBe('online')
    await stripe.terminal.readers.processPaymentIntent('tmr_exam', { payment_intent: pi.id })
    const other = await stripe.paymentIntents.create({ amount: 100, currency: 'usd', allowed_payment_method_types: ['card_present'] })
    await expect(stripe.terminal.readers.processPaymentIntent('tmr_exam', { payment_intent: other.id })).rejects.toMatchObject({ code: 'terminal_reader_busy' })

    // Unplugged mid-payment: the action stays in progress, and only cancel_action once back online clears it.
    await stripe.rawRequest('POST', '/v1/test_helpers/terminal/readers/tmr_exam/set_status', { status: 'offline' })
    await expect(stripe.terminal.readers.cancelAction('tmr_exam')).rejects.toMatchObject({ code: 'terminal_reader_offline' })
    sim.setReaderOnline('tmr_exam', true)
    expect(((await stripe.terminal.readers.retrieve('tmr_exam')) as Stripe.Terminal.Reader).action?.status).toBe('in_progress')
    await stripe.terminal.readers.cancelAction('tmr_exam')
    await expect(stripe.terminal.readers.processPaymentIntent('tmr_exam', { payment_intent: pi.id })).resolves.toMatchObject({ action: { status: 'in_progress' } })
    await stripe.terminal.readers.cancelAction('tmr_exam')
  })

  it('replays an idempotent create instead of charging twice, and refuses the key with other params', async () => {
    const params = { amount: 7_000, currency: 'usd', allowed_payment_method_types: ['card_present'], capture_method: 'manual' as const, metadata: { local_payment_id: 'pay-42' } }
    const first = await stripe.paymentIntents.create(params, { idempotencyKey: 'vetos-pay-42' })
    const again = await stripe.paymentIntents.create(params, { idempotencyKey: 'vetos-pay-42' })
    expect(again.id).toBe(first.id)
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(sim.requests.filter((r) => r.idempotencyKey === 'vetos-pay-42')).toHaveLength(2)
    expect(sim.paymentIntents().filter((p) => p.metadata.local_payment_id === 'pay-42')).toHaveLength(1)

    const changed = await stripe.paymentIntents.create({ ...params, amount: 7_001 }, { idempotencyKey: 'vetos-pay-42' }).catch((e: unknown) => e)
    expect(changed).toBeInstanceOf(Stripe.errors.StripeIdempotencyError)
    expect(sim.paymentIntents().filter((p) => p.metadata.local_payment_id === 'pay-42')).toHaveLength(1)
  })

  it('refunds part, then the rest, and refuses more than was paid', async () => {
    const pi = await pay('tmr_spare', 5_000)
    const part = await stripe.refunds.create({ payment_intent: pi.id, amount: 2_000, reason: 'requested_by_customer' })
    expect(part).toMatchObject({ object: 'refund', amount: 2_000, status: 'succeeded', payment_intent: pi.id, charge: pi.latest_charge })
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ amount_refunded: 2_000, refunded: false })

    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 3_001 })).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'amount_too_large' })
    const rest = await stripe.refunds.create({ payment_intent: pi.id })
    expect(rest.amount).toBe(3_000)
    expect(await stripe.charges.retrieve(pi.latest_charge as string)).toMatchObject({ amount_refunded: 5_000, refunded: true })
    await expect(stripe.refunds.create({ payment_intent: pi.id, amount: 1 })).rejects.toMatchObject({ code: 'charge_already_refunded' })
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.amount)).toEqual([3_000, 2_000])

    // An authorization is released by canceling, not refunded.
    const held = await pay('tmr_spare', 1_000, 'manual')
    await expect(stripe.refunds.create({ payment_intent: held.id })).rejects.toMatchObject({ code: 'charge_not_refundable' })
  })

  it('finds intents by metadata search and lists them newest first', async () => {
    const mine = await stripe.paymentIntents.create({ amount: 333, currency: 'usd', allowed_payment_method_types: ['card_present'], metadata: { local_payment_id: 'pay-search-1' } })
    await stripe.paymentIntents.create({ amount: 444, currency: 'usd', allowed_payment_method_types: ['card_present'], metadata: { local_payment_id: 'pay-search-2' } })
    const found = await stripe.paymentIntents.search({ query: "metadata['local_payment_id']:'pay-search-1'" })
    expect(found).toMatchObject({ object: 'search_result', has_more: false })
    expect(found.data.map((p) => p.id)).toEqual([mine.id])
    const listed = await stripe.paymentIntents.list({ limit: 2 })
    expect(listed.data.map((p) => p.amount)).toEqual([444, 333])
    expect(listed.has_more).toBe(true)
  })

  it('reads payment method types as the API version of the request does', async () => {
    const pinned = await stripe.paymentIntents.create({ amount: 500, currency: 'usd', allowed_payment_method_types: ['card_present', 'interac_present'] })
    expect(pinned).toMatchObject({ allowed_payment_method_types: ['card_present', 'interac_present'], payment_method_types: ['card_present'], automatic_payment_methods: null })
    // stripe-node 23 pins 2026-10-28.endive, where the old parameter is refused...
    const legacy = { amount: 500, currency: 'usd', payment_method_types: ['card_present'] } as unknown as Stripe.PaymentIntentCreateParams
    await expect(stripe.paymentIntents.create(legacy)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'payment_method_types_no_longer_supported', param: 'payment_method_types' })
    // ...which an older version still takes.
    expect(await stripe.paymentIntents.create(legacy, { apiVersion: '2026-06-24.dahlia' })).toMatchObject({ payment_method_types: ['card_present'] })
    // Without any, Stripe picks dynamically, and a reader will not take that intent.
    const dynamic = await stripe.paymentIntents.create({ amount: 500, currency: 'usd' })
    expect(dynamic).toMatchObject({ allowed_payment_method_types: null, automatic_payment_methods: { enabled: true } })
    await expect(stripe.terminal.readers.processPaymentIntent('tmr_spare', { payment_intent: dynamic.id })).rejects.toMatchObject({ code: 'payment_intent_incompatible_payment_method' })
  })

  it('answers Stripe errors for bad keys, unknown ids and routes, and survives a garbage body', async () => {
    await expect(client('sk_test_wrong').paymentIntents.list()).rejects.toBeInstanceOf(Stripe.errors.StripeAuthenticationError)
    await expect(stripe.paymentIntents.retrieve('pi_nope')).rejects.toMatchObject({ type: 'StripeInvalidRequestError', statusCode: 404, code: 'resource_missing', param: 'intent' })
    await expect(stripe.paymentIntents.create({ amount: 100 } as Stripe.PaymentIntentCreateParams)).rejects.toMatchObject({ code: 'parameter_missing', param: 'currency' })
    await expect(stripe.rawRequest('GET', '/v1/nowhere')).rejects.toMatchObject({ statusCode: 404, message: expect.stringContaining('Unrecognized request URL') })

    for (const body of ['amount[=12&currency]]=usd', 'amount=1&amount[x]=2', '{"amount": 100}']) {
      const res = await fetch(`${sim.url}/v1/payment_intents`, { method: 'POST', headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' }, body })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error')
    }
    expect((await stripe.paymentIntents.create({ amount: 100, currency: 'usd', allowed_payment_method_types: ['card_present'] })).status).toBe('requires_payment_method')
  })

  it('plays an unreachable API, and a slow one that charged before the client gave up', async () => {
    sim.setFault({ kind: 'drop' })
    const dropped = await stripe.paymentIntents.list().catch((e: unknown) => e)
    expect(dropped).toBeInstanceOf(Stripe.errors.StripeConnectionError)

    sim.setFault({ kind: 'delay', ms: 400 })
    const impatient = client(KEY, { timeout: 100 })
    const params = { amount: 1_200, currency: 'usd', allowed_payment_method_types: ['card_present'], metadata: { local_payment_id: 'pay-slow' } }
    await expect(impatient.paymentIntents.create(params, { idempotencyKey: 'vetos-pay-slow' })).rejects.toBeInstanceOf(Stripe.errors.StripeConnectionError)
    sim.setFault(null)
    // The retry with the same key gets the intent the lost answer carried.
    const retried = await stripe.paymentIntents.create(params, { idempotencyKey: 'vetos-pay-slow' })
    expect(retried.lastResponse.headers['idempotent-replayed']).toBe('true')
    expect(sim.paymentIntents().filter((p) => p.metadata.local_payment_id === 'pay-slow').map((p) => p.id)).toEqual([retried.id])
  })

  it('captures part of an authorization, releases a canceled one, takes tips and registers simulated readers', async () => {
    const partial = await pay('tmr_spare', 3_000, 'manual')
    const captured = await stripe.paymentIntents.capture(partial.id, { amount_to_capture: 2_000 })
    expect(captured).toMatchObject({ status: 'succeeded', amount_received: 2_000 })
    expect(await stripe.charges.retrieve(captured.latest_charge as string)).toMatchObject({ amount_captured: 2_000, amount_refunded: 1_000, captured: true, refunded: false })

    const released = await pay('tmr_spare', 1_500, 'manual')
    await stripe.paymentIntents.cancel(released.id)
    expect(await stripe.charges.retrieve(released.latest_charge as string)).toMatchObject({ captured: false, amount_refunded: 1_500, refunded: true })

    const tipped = await stripe.paymentIntents.create({ amount: 1_000, currency: 'usd', allowed_payment_method_types: ['card_present'] })
    await stripe.terminal.readers.processPaymentIntent('tmr_spare', { payment_intent: tipped.id })
    await stripe.testHelpers.terminal.readers.presentPaymentMethod('tmr_spare', { amount_tip: 150 })
    expect(await stripe.paymentIntents.retrieve(tipped.id)).toMatchObject({ status: 'succeeded', amount: 1_150, amount_received: 1_150, amount_details: { tip: { amount: 150 } } })

    const registered = await stripe.terminal.readers.create({ registration_code: 'simulated-wpe', label: 'Surgery' })
    expect(registered).toMatchObject({ object: 'terminal.reader', label: 'Surgery', device_type: 'simulated_wisepos_e', status: 'online', action: null })
    await expect(stripe.terminal.readers.create({ registration_code: 'puppy-kitten-hamster' })).rejects.toMatchObject({ param: 'registration_code' })
    expect((await stripe.terminal.readers.list({ limit: 100 })).data.map((r) => r.id)).toEqual([registered.id, 'tmr_spare', 'tmr_exam', 'tmr_front'])
  })

  it('taps a card by itself when asked to', async () => {
    const auto = new StripeSimulator({ readers: [{ id: 'tmr_auto', label: 'Auto' }], autoPresentMs: 20 })
    await auto.start()
    try {
      const s = new Stripe(KEY, { host: '127.0.0.1', port: auto.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
      const pi = await s.paymentIntents.create({ amount: 800, currency: 'usd', allowed_payment_method_types: ['card_present'] })
      await s.terminal.readers.processPaymentIntent('tmr_auto', { payment_intent: pi.id })
      await expect.poll(async () => (await s.paymentIntents.retrieve(pi.id)).status, { timeout: 2_000, interval: 20 }).toBe('succeeded')
    } finally {
      await auto.stop()
    }
  })
})
