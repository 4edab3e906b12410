/**
 * Billing in Chromium, as a front desk does it: check out one of today's visits with part of the
 * invoice on a card terminal (the Stripe simulator, through the real stripe-node client) and the
 * rest in cash with change due; refund part of the card payment from the Billing screen; then the
 * patient's billing history shows it all, and the Financial Reports (open on a second page, never
 * reloaded) changed by exactly what was taken and given back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import Stripe from 'stripe'
import type { Page } from 'playwright-core'
import { api, apiSignIn } from '../helpers/hub'
import { demoInBrowser, openPage, signIn } from '../helpers/browser'
import { StripeSimulator } from '../../src-main/simulators/stripe'

const KEY = 'sk_test_vetos_simulator'
const READER = 'tmr_e2e_front'

describe('checkout, refund and reports in Chromium', () => {
  const env = demoInBrowser()
  let sim: StripeSimulator
  let stripe: Stripe
  let admin: string
  let visit: { visitId: string; patientId: string; clientId: string; patientName: string }
  let reports: Page

  beforeAll(async () => {
    sim = new StripeSimulator({ apiKeys: [KEY], readers: [{ id: READER, label: 'Front desk' }] })
    await sim.start()
    stripe = new Stripe(KEY, { host: '127.0.0.1', port: sim.port, protocol: 'http', maxNetworkRetries: 0, telemetry: false })
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const call = async (method: string, body: unknown) => {
      const r = await api(env.hub, method, body, admin)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    // The demo's terminal, pointed at this test's simulator (a new destination is approved again).
    const pay = ((await call('integrations.list', {})) as { id: string; kind: string }[]).find((i) => i.kind === 'payments')!
    await call('integrations.update', { id: pay.id, config: { baseUrl: sim.url, apiKey: KEY } })
    await call('integrations.approve', { id: pay.id, categories: ['payments'] })
    // One of today's visits, with what the vet did on it already on its draft invoice: $65 exam + $185 radiographs.
    visit = ((await call('billing.checkout', {})) as (typeof visit & { invoice: unknown })[]).find((v) => !v.invoice)!
    const prices = (await call('billing.priceList', {})) as { id: string; code: string }[]
    const inv = await call('billing.createInvoice', { clientId: visit.clientId, patientId: visit.patientId, visitId: visit.visitId })
    for (const code of ['EXAM', 'DX']) await call('billing.addLine', { invoiceId: inv.id, priceItemId: prices.find((p) => p.code === code)!.id })
  })
  afterAll(async () => {
    await reports?.close()
    await sim?.stop()
  })

  const minor = async (page: Page, testId: string) => Number(await page.getByTestId(testId).getAttribute('data-minor'))

  it('opens the Financial Reports on a second page, to watch them change', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Alex Morgan/)
    await env.page.getByTestId('nav-section-operations').waitFor()
    reports = await openPage(env.browser, env.errors)
    await reports.goto(`${env.hub.url}?token=${env.hub.token}#/billing?tab=reports`)
    await reports.getByTestId('signin-staff').or(reports.getByTestId('billing-tab-reports')).first().waitFor()
    if (await reports.getByTestId('signin-staff').isVisible()) await signIn(reports, /Alex Morgan/)
    await reports.getByTestId('billing-tab-reports').click()
    await reports.getByTestId('report-method-card-received').waitFor()
  })

  let before: { card: number; cash: number; cardRefunded: number }
  it('checks out the visit: finalize, $100 on the card terminal, the rest in cash with change due', async () => {
    before = { card: await minor(reports, 'report-method-card-received'), cash: await minor(reports, 'report-method-cash-received'), cardRefunded: await minor(reports, 'report-method-card-refunded') }
    const page = env.page
    await page.getByRole('link', { name: 'Checkout' }).click()
    await page.getByTestId(`checkout-visit-${visit.visitId}`).click()
    await page.getByTestId('invoice-finalize').click()
    await page.getByTestId('invoice-number').waitFor()
    expect(await page.getByTestId('pay-due').textContent()).toBe('$250.00')

    await page.getByTestId('pay-method-card').click()
    await page.getByTestId('pay-amount').fill('100.00')
    await page.getByTestId('pay-submit').click()
    await expect.poll(() => page.getByTestId('card-progress-text').textContent(), { timeout: 10_000 }).toMatch(/tap|insert|swipe/i)
    await stripe.testHelpers.terminal.readers.presentPaymentMethod(READER, {})
    await expect.poll(() => page.getByTestId('card-result').textContent(), { timeout: 10_000 }).toContain('Approved: $100.00')
    expect(await page.getByTestId('card-result-detail').textContent()).toContain('4242')
    await page.getByTestId('card-done').click()

    await page.getByTestId('pay-method-cash').click()
    // the amount follows what is still due once the invoice is read again after the card payment
    await expect.poll(() => page.getByTestId('pay-amount').inputValue()).toMatch(/^\$?150(\.00)?$/)
    await page.getByTestId('pay-tendered').fill('160')
    await expect.poll(() => page.getByTestId('change-due').textContent()).toContain('$10.00')
    await page.getByTestId('pay-submit').click()
    await page.getByTestId('invoice-paid-in-full').waitFor()
    expect(sim.charges().filter((c) => c.status === 'succeeded' && c.captured).map((c) => c.amount)).toEqual([10_000])

    // The reports, open on the other page, followed without a reload.
    await expect.poll(() => minor(reports, 'report-method-card-received'), { timeout: 10_000 }).toBe(before.card + 10_000)
    await expect.poll(() => minor(reports, 'report-method-cash-received'), { timeout: 10_000 }).toBe(before.cash + 15_000)
  })

  it('refunds $40 of the card payment from the Billing screen, through the terminal’s account', async () => {
    const page = env.page
    const card = ((await api(env.hub, 'billing.payments', { clientId: visit.clientId, method: 'card', limit: 5 }, admin)).json.result as { id: string }[])[0]
    await page.getByRole('link', { name: 'Billing' }).click()
    await page.getByTestId('billing-tab-payments').click()
    const row = page.getByTestId(`payment-row-${card.id}`)
    await row.getByTestId('refund-open').click()
    await page.getByTestId('refund-amount').fill('40.00')
    await page.getByTestId('refund-reason').fill('One radiograph view not taken')
    await page.getByTestId('refund-submit').click()
    await expect.poll(() => page.getByTestId(`payment-refunded-${card.id}`).getAttribute('data-minor'), { timeout: 10_000 }).toBe('4000')
    expect(sim.refunds().map((r) => r.amount)).toEqual([4000])
    await expect.poll(() => minor(reports, 'report-method-card-refunded'), { timeout: 10_000 }).toBe(before.cardRefunded - 4000) // shown as money going out
  })

  it("shows it all on the patient's billing history", async () => {
    const page = env.page
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/patients/${visit.patientId}`)
    await page.getByRole('tab', { name: 'Billing' }).click()
    const history = page.getByTestId('billing-history')
    await history.waitFor()
    const text = await history.innerText()
    expect(text).toContain('$100.00')
    expect(text).toContain('$150.00')
    expect(text).toContain('$40.00')
  })

  it('lists today’s visits by the clinic’s day, however far it is from UTC’s', async () => {
    // A clinic whose day is not UTC's at this hour: UTC-12 before 11:00 UTC, UTC+14 after.
    const timezone = new Date().getUTCHours() < 11 ? 'Etc/GMT+12' : 'Etc/GMT-14'
    const call = async (method: string, body: unknown) => {
      const r = await api(env.hub, method, body, admin)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    await call('clinic.update', { timezone })
    try {
      const client = await call('clients.create', { firstName: 'Odile', lastName: 'Farquharson', phones: [] })
      const pet = await call('patients.create', { clientId: client.id, name: 'Pippin', species: 'feline', sex: 'male', neuterStatus: 'neutered' })
      const arrived = await call('visits.create', { patientId: pet.id, reason: 'Nail trim' })
      const clinicDay = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
      // A workstation opened fresh, straight onto Checkout.
      const page = await openPage(env.browser, env.errors)
      await page.goto(`${env.hub.url}?token=${env.hub.token}#/checkout`)
      await signIn(page, /Priya Nair/)
      await page.getByTestId(`checkout-visit-${arrived.id}`).waitFor()
      expect(await page.getByTestId('checkout-visits').innerText()).toContain('Pippin')
      // its time on the clinic's clock, as Today shows it, not this PC's
      const clinicClock = new Date(arrived.createdAt).toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', timeZone: timezone })
      expect(await page.getByTestId(`checkout-visit-${arrived.id}`).innerText()).toContain(clinicClock)
      expect(clinicDay).not.toBe(new Date().toISOString().slice(0, 10))
      await page.close()
    } finally {
      await call('clinic.update', { timezone: 'America/Chicago' })
    }
  })
})
