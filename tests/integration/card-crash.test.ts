/**
 * A crash between the payment service and the local commit: the hub process is killed (SIGKILL)
 * while the terminal waits for the card, the client then taps, and the money is held at the payment
 * service with no record of success in VetOS. At the next start the hub asks the service what became
 * of its pending payment and settles it: one charge, the invoice paid, the books balanced.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { rmSync } from 'node:fs'
import Stripe from 'stripe'
import { api, apiSignIn, ROOT, startHubProcess, type RunningHub } from '../helpers/hub'
import { tempDir } from '../helpers/app'
import { until } from '../helpers/wait'
import { StripeSimulator } from '../../src-main/simulators/stripe'

const KEY = 'sk_test_vetos_simulator'
const READER = 'tmr_crash_desk'

describe('card payments: the hub killed mid-payment', () => {
  const dir = tempDir()
  let sim: StripeSimulator
  let hub: RunningHub | null = null
  beforeAll(async () => {
    sim = new StripeSimulator({ apiKeys: [KEY], readers: [{ id: READER, label: 'Desk 2' }] })
    await sim.start()
  })
  afterAll(async () => {
    await hub?.stop('SIGKILL')
    await sim?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('settles at the next start what the payment service holds', async () => {
    hub = await startHubProcess(['--demo', '--data-dir', dir])
    let token = await apiSignIn(hub, (s) => s.role === 'admin')
    const call = async (method: string, body: unknown) => {
      const r = await api(hub!, method, body, token)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    // The demo's card integration, pointed at this test's simulator (a new destination needs approval again).
    const pay = ((await call('integrations.list', {})) as { id: string; kind: string }[]).find((i) => i.kind === 'payments')!
    await call('integrations.update', { id: pay.id, config: { baseUrl: sim.url, apiKey: KEY } })
    await call('integrations.approve', { id: pay.id, categories: ['payments'] })
    const client = await call('clients.create', { firstName: 'Rosa', lastName: 'Delgado', phones: [] })
    const inv = await call('billing.createInvoice', { clientId: client.id })
    await call('billing.addLine', { invoiceId: inv.id, description: 'Dental cleaning', category: 'procedure', unitPriceMinor: 48_500 })
    await call('billing.finalizeInvoice', { invoiceId: inv.id })
    const p = await call('billing.startCardPayment', { clientId: client.id, amountMinor: 48_500, readerId: READER, idempotencyKey: crypto.randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: 48_500 }] })
    await until(() => sim.requests.some((r) => r.path.endsWith('/process_payment_intent')), 10_000, 'the payment reaches the terminal')

    await hub.stop('SIGKILL')
    hub = null
    // The client taps after VetOS died: the service holds the money, VetOS holds a pending payment.
    const stripe = new Stripe(KEY, { host: '127.0.0.1', port: sim.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(READER, {})
    expect(sim.paymentIntents().find((pi) => pi.metadata.local_payment_id === p.id)?.status).toBe('requires_capture')

    hub = await startHubProcess(['--data-dir', dir])
    token = await apiSignIn(hub, (s) => s.role === 'admin')
    // The API is asked until reconciliation (at start, after the service's first answer) settled it.
    let status = ''
    for (let k = 0; k < 150 && status !== 'succeeded'; k++) {
      status = (await call('billing.payment', { paymentId: p.id })).status
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 100))
    }
    expect(status).toBe('succeeded')
    expect((await call('billing.invoice', { invoiceId: inv.id })).state).toBe('paid')
    const intents = sim.paymentIntents().filter((pi) => pi.metadata.local_payment_id === p.id)
    expect(intents.map((pi) => pi.status)).toEqual(['succeeded'])
    await hub.stop('SIGTERM')
    hub = null
    const verify = spawnSync(process.execPath, [join(ROOT, 'out', 'main', 'ledger-verify.js'), '--data-dir', dir], { encoding: 'utf8' })
    expect(verify.stdout).toMatch(/^Ledger balanced/)
    expect(verify.status).toBe(0)
  })
})
