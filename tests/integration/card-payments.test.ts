/**
 * Card payments through the real stripe-node client against the Stripe simulator over TCP: a card
 * read at the terminal settles the invoice; a decline, a cancel from the desk, a terminal that goes
 * offline or never answers leave a consistent state (nothing charged, nothing posted); a double-sent
 * payment makes one charge; a card refund in part; the service unreachable refuses cards with the
 * banner's reason; a workstation that stopped mid-payment settles it at the next start; every
 * exchange passed the consent gate and is in the audit log.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import Stripe from 'stripe'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { until } from '../helpers/wait'
import { StripeSimulator } from '../../src-main/simulators/stripe'
import { verifyLedger } from '../../src-main/billing/ledger'
import type { Invoice, Payment } from '../../src-preload/contract'

const KEY = 'sk_test_vetos_simulator'
const READER = 'tmr_front_desk'
const CARD = { pollMs: 40, timeoutMs: 2500, offlineMs: 400 }

describe('card payments on a terminal (Stripe simulator)', () => {
  let sim: StripeSimulator
  let stripe: Stripe
  let t: TestApp
  let clientId: string

  beforeAll(async () => {
    sim = new StripeSimulator({ apiKeys: [KEY], readers: [{ id: READER, label: 'Front desk' }] })
    await sim.start()
    stripe = new Stripe(KEY, { host: '127.0.0.1', port: sim.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
  })
  afterAll(() => sim?.stop())

  beforeEach(() => {
    t = makeApp({ demo: false, billing: { card: CARD } })
    t.signIn('admin')
    const pay = t.call('integrations.create', { kind: 'payments', name: 'Stripe (simulator)', config: { baseUrl: sim.url, apiKey: KEY } })
    t.call('integrations.approve', { id: pay.id, categories: ['payments'] })
    clientId = t.call('clients.create', { firstName: 'Mia', lastName: 'Okafor', phones: [] }).id
  })
  afterEach(() => t?.close())

  const invoice = (priceMinor: number): Invoice => {
    const inv = t.call('billing.createInvoice', { clientId })
    t.call('billing.addLine', { invoiceId: inv.id, description: 'Surgery', category: 'procedure', unitPriceMinor: priceMinor })
    return t.call('billing.finalizeInvoice', { invoiceId: inv.id })
  }
  const start = (inv: Invoice, amountMinor: number, key = crypto.randomUUID()) => t.call('billing.startCardPayment', { clientId, amountMinor, readerId: READER, idempotencyKey: key, allocations: [{ invoiceId: inv.id, amountMinor: Math.min(amountMinor, inv.dueMinor) }] })
  const payment = (id: string): Payment => t.call('billing.payment', { paymentId: id })
  const waitingForCard = (id: string) => until(() => payment(id).progress === 'waiting_for_card', 5000, 'the terminal waits for a card')
  const settled = (id: string) => until(() => payment(id).status !== 'pending' && payment(id).progress === null, 8000, 'the payment settles')
  const present = (number = '4242424242424242') => stripe.testHelpers.terminal.readers.presentPaymentMethod(READER, { card_present: { number } })
  const balanced = () => expect(verifyLedger(t.app.core.store.sqlite).problem).toBeNull()

  it('a card read at the terminal pays part of the invoice; the rest in cash; then part of the card is refunded', async () => {
    const inv = invoice(20_000)
    expect(t.call('billing.cardService', { recheck: true })).toMatchObject({ configured: true, keyHere: true })
    await until(() => t.call('billing.cardService', { recheck: false }).online === true, 5000, 'the service answers')
    expect(t.call('billing.cardService', { recheck: false }).readers).toEqual([{ id: READER, label: 'Front desk', status: 'online' }])
    const p = start(inv, 12_000)
    expect(p.status).toBe('pending')
    await waitingForCard(p.id)
    await present()
    await settled(p.id)
    const done = payment(p.id)
    expect(done).toMatchObject({ status: 'succeeded', method: 'card', cardLast4: '4242', allocations: [{ invoiceId: inv.id, amountMinor: 12_000 }] })
    expect(sim.paymentIntents().find((pi) => pi.metadata.local_payment_id === p.id)?.status).toBe('succeeded')
    t.call('billing.takePayment', { clientId, method: 'cash', amountMinor: 8000, tenderedMinor: 10_000, idempotencyKey: crypto.randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 8000 }] })
    expect(t.call('billing.invoice', { invoiceId: inv.id })).toMatchObject({ state: 'paid', dueMinor: 0 })

    const r = t.call('billing.refund', { paymentId: p.id, amountMinor: 5000, reason: 'one of two X-rays not taken', idempotencyKey: crypto.randomUUID() })
    expect(r.status).toBe('pending')
    await until(() => payment(p.id).refunds[0]?.status === 'succeeded', 5000, 'the refund settles')
    expect(payment(p.id).refundedMinor).toBe(5000)
    expect(sim.charges().find((c) => c.payment_intent === done.reference || c.amount === 12_000)?.amount_refunded).toBe(5000)
    expect(t.call('billing.invoice', { invoiceId: inv.id })).toMatchObject({ state: 'partially_paid', dueMinor: 5000 })
    balanced()
    // The exchanges are in the audit log, each under the payments integration, after one permit.
    const actions = (t.app.core.store.sqlite.prepare("SELECT action FROM audit_log WHERE integration_id IS NOT NULL ORDER BY seq").pluck().all() as string[])
    expect(actions).toEqual(expect.arrayContaining(['outbound.permitted', 'payment.intent_created', 'payment.sent_to_reader', 'payment.captured', 'payment.refunded']))
  })

  it('a declined card, a cancel from the desk and a terminal gone offline charge nothing and post nothing', async () => {
    const inv = invoice(9000)
    const declined = start(inv, 9000)
    await waitingForCard(declined.id)
    await present('4000000000000002')
    await settled(declined.id)
    expect(payment(declined.id)).toMatchObject({ status: 'failed' })
    expect(payment(declined.id).failure).toMatch(/declined/i)

    const canceled = start(inv, 9000)
    await waitingForCard(canceled.id)
    t.call('billing.cancelCardPayment', { paymentId: canceled.id })
    await settled(canceled.id)
    expect(payment(canceled.id)).toMatchObject({ status: 'canceled', failure: 'Cancelled at the desk' })

    const offline = start(inv, 9000)
    await waitingForCard(offline.id)
    sim.setReaderOnline(READER, false)
    await settled(offline.id)
    sim.setReaderOnline(READER, true)
    expect(payment(offline.id).status).toBe('failed')
    expect(payment(offline.id).failure).toMatch(/offline/)

    const silent = start(inv, 9000)
    await settled(silent.id)
    expect(payment(silent.id).failure).toMatch(/did not answer/)

    // Nothing was captured, every intent is cancelled, and the invoice still owes all of it.
    const mine = new Set([declined.id, canceled.id, offline.id, silent.id])
    const intents = sim.paymentIntents().filter((pi) => mine.has(pi.metadata.local_payment_id))
    expect(intents).toHaveLength(4)
    for (const pi of intents) expect(pi.status).toBe('canceled')
    expect(t.call('billing.invoice', { invoiceId: inv.id })).toMatchObject({ state: 'open', dueMinor: 9000 })
    expect(t.app.core.store.sqlite.prepare("SELECT count(*) FROM ledger_transactions WHERE kind = 'payment'").pluck().get()).toBe(0)
    balanced()
  })

  it('a payment sent twice (a double click, a retried request) is one charge', async () => {
    const inv = invoice(4000)
    const key = crypto.randomUUID()
    const a = start(inv, 4000, key)
    const b = start(inv, 4000, key)
    expect(b.id).toBe(a.id)
    await waitingForCard(a.id)
    await present()
    await settled(a.id)
    expect(start(inv, 4000, key).id).toBe(a.id)
    const intents = sim.paymentIntents().filter((pi) => pi.metadata.local_payment_id === a.id)
    expect(intents).toHaveLength(1)
    expect(sim.charges().filter((c) => c.payment_intent === intents[0].id && c.status === 'succeeded')).toHaveLength(1)
    expect(t.app.core.store.sqlite.prepare('SELECT count(*) FROM payments').pluck().get()).toBe(1)
  })

  it('refuses cards with the reason while the payment service cannot be reached; cash still works', async () => {
    const inv = invoice(3000)
    sim.setFault({ kind: 'drop' })
    try {
      t.call('billing.cardService', { recheck: true })
      await until(() => t.call('billing.cardService', { recheck: false }).online === false, 8000, 'the service is seen unreachable')
      expect(t.call('billing.cardService', { recheck: false }).message).toMatch(/cannot be reached/)
      const refused = t.raw('billing.startCardPayment', { clientId, amountMinor: 3000, readerId: READER, idempotencyKey: crypto.randomUUID(), allocations: [] })
      expect(refused).toMatchObject({ ok: false, error: { code: 'conflict' } })
      t.call('billing.takePayment', { clientId, method: 'cash', amountMinor: 3000, idempotencyKey: crypto.randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 3000 }] })
      expect(t.call('billing.invoice', { invoiceId: inv.id }).state).toBe('paid')
    } finally {
      sim.setFault(null)
    }
    t.call('billing.cardService', { recheck: true })
    await until(() => t.call('billing.cardService', { recheck: false }).online === true, 8000, 'cards come back')
  })

  it('leaves alone a pending card payment another workstation runs (seen by sync): only its own workstation settles it', async () => {
    const inv = invoice(7000)
    const p = start(inv, 7000)
    await waitingForCard(p.id)
    const { store } = t.app.core
    // As if the row had arrived from another workstation: it runs there, at its own terminal.
    store.sqlite.prepare('UPDATE payments SET workstation_id = ? WHERE id = ?').run(crypto.randomUUID(), p.id)
    t.app.services.billing.card['running'].delete(p.id)
    await t.app.services.billing.card.reconcile()
    expect(payment(p.id).status).toBe('pending')
    expect(sim.paymentIntents().find((pi) => pi.metadata.local_payment_id === p.id)?.status).toBe('requires_payment_method')
    expect(t.raw('billing.cancelCardPayment', { paymentId: p.id })).toMatchObject({ ok: false, error: { code: 'conflict' } })
    await stripe.terminal.readers.cancelAction(READER)
  })

  it('a workstation closed while the terminal waited settles the payment at its next start, by what the service says', async () => {
    const inv = invoice(15_000)
    const p = start(inv, 15_000)
    await waitingForCard(p.id)
    const dir = t.dir
    const pin = t.app.firstRunAdminPin!
    await t.app.close() // closing mid-payment: it stays pending
    // Meanwhile the client taps the card: the money is held at the payment service.
    await present()
    t = makeApp({ demo: false, dir, billing: { card: CARD }, pin })
    t.signIn('admin')
    expect(payment(p.id).status).toBe('pending')
    await t.app.start()
    await until(() => payment(p.id).status === 'succeeded', 8000, 'reconciliation settles it')
    expect(t.call('billing.invoice', { invoiceId: inv.id }).state).toBe('paid')
    expect(sim.paymentIntents().find((pi) => pi.metadata.local_payment_id === p.id)?.status).toBe('succeeded')
    balanced()
  })
})

describe('the payment key', () => {
  it('stays on the workstation it was typed on: the synced record holds only its last four characters', () => {
    const t = makeApp({ demo: false, dir: tempDir() })
    t.signIn('admin')
    const pay = t.call('integrations.create', { kind: 'payments', name: 'Stripe', config: { apiKey: 'rk_live_abcdefghijkl9876' } })
    const row = t.app.core.store.sqlite.prepare('SELECT config FROM integrations WHERE id = ?').pluck().get(pay.id) as string
    expect(row).not.toContain('abcdefghijkl')
    expect(JSON.parse(row).apiKey).toBe('••••9876')
    const sealed = t.app.core.store.sqlite.prepare('SELECT sealed FROM workstation_secrets').pluck().get() as string
    expect(sealed).toMatch(/^dk1:/)
    expect(sealed).not.toContain('abcdef')
    expect(t.app.services.integrations.config(pay.id).apiKey).toBe('rk_live_abcdefghijkl9876')
    void t.close()
  })

  it('typed on a second workstation, keeps the approval when it is the same key and withdraws it for another', () => {
    const t = makeApp({ demo: false, dir: tempDir() })
    t.signIn('admin')
    const pay = t.call('integrations.create', { kind: 'payments', name: 'Stripe', config: { apiKey: 'rk_live_abcdefghijkl9876' } })
    t.call('integrations.approve', { id: pay.id, categories: ['payments'] })
    const approved = () => t.call('integrations.list', {}).find((i) => i.id === pay.id)!.approval
    // As on a workstation that has the record by sync but never held the key.
    const forget = () => t.app.core.store.sqlite.prepare('DELETE FROM workstation_secrets').run()
    forget()
    expect(t.app.services.integrations.config(pay.id).apiKey).toBeUndefined()
    t.call('integrations.update', { id: pay.id, config: { apiKey: 'rk_live_abcdefghijkl9876' } })
    expect(approved()?.categories).toEqual(['payments'])
    expect(t.app.services.integrations.config(pay.id).apiKey).toBe('rk_live_abcdefghijkl9876')
    forget()
    t.call('integrations.update', { id: pay.id, config: { apiKey: 'rk_live_zzzzzzzzzzzz1111' } })
    expect(approved()).toBeNull()
    void t.close()
  })
})
