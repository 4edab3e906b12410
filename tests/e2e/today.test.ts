/**
 * Today, the home screen, in Chromium against the demo hub: sign-in lands on it, the day's visits
 * sit under their status with check-in one click away, and it follows what happens elsewhere (a
 * result arriving over HL7, a colleague's change on another workstation) without a reload.
 */
import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn, hl7PortOf } from '../helpers/hub'
import { frame } from '../../src-main/hl7/mllp'
import { exchange, oru } from '../helpers/labs'

describe('Today, the home screen, in Chromium', () => {
  const env = demoInBrowser({ flags: ['--hl7-host', '127.0.0.1', '--hl7-port', '0'], waitMs: 20_000 })
  let booked: { visitId: string; patientName: string }

  const group = (page: Page, status: string) => page.getByTestId(`today-group-${status}`)
  const namesIn = (page: Page, status: string) => group(page, status).getByTestId('today-visit-patient').allTextContents()
  // Set on the page once; a reload would lose it.
  const mark = (page: Page) => page.evaluate('window.__todayNoReload = true')
  const stillMarked = (page: Page) => page.evaluate('window.__todayNoReload === true')

  it('lands on Today after sign-in and lists the demo’s booked visit under Booked', async () => {
    const desk = await apiSignIn(env.hub, (s) => s.role === 'front_desk')
    const day = (await api(env.hub, 'billing.checkout', {}, desk)).json.result as { visitId: string; patientName: string; visitStatus: string }[]
    const b = day.find((v) => v.visitStatus === 'booked')
    expect(b, 'the demo books a visit for today').toBeTruthy()
    booked = { visitId: b!.visitId, patientName: b!.patientName }

    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Priya Nair/)
    await expect.poll(() => env.page.url()).toContain('#/today')
    await expect.poll(() => namesIn(env.page, 'booked')).toContain(booked.patientName)
    // the demo's waiting room is checked in
    expect((await namesIn(env.page, 'checked_in')).length).toBeGreaterThan(0)
    // Today is the first entry of the sidebar, with its own shortcut
    expect(await env.page.getByRole('navigation').getByRole('link').first().textContent()).toContain('Today')
  }, 60_000)

  it('checks the booked visit in with one click, and it moves to Checked in without a reload', async () => {
    await mark(env.page)
    const row = group(env.page, 'booked').getByTestId('today-visit').filter({ hasText: booked.patientName })
    await row.getByRole('button', { name: 'Check in' }).click()
    await expect.poll(() => namesIn(env.page, 'checked_in')).toContain(booked.patientName)
    expect(await namesIn(env.page, 'booked')).not.toContain(booked.patientName)
    expect(await stillMarked(env.page)).toBe(true)
  }, 60_000)

  it('counts a lab result that arrives over HL7 for no known patient as waiting for review, on the open page', async () => {
    const count = () => env.page.getByTestId('today-lab-review-count').textContent()
    await expect.poll(count).toMatch(/^\d+$/)
    const before = Number(await count())
    await exchange(hl7PortOf(env.hub), [frame(oru({ controlId: 'TODAY-1', owner: 'Nobody', pet: 'Stranger' }))])
    await expect.poll(count).toBe(String(before + 1))
    // the oldest items are named, and the count opens Lab Review
    expect(await stillMarked(env.page)).toBe(true)
  }, 60_000)

  it('shows a colleague’s change made on another workstation (another browser) as it happens', async () => {
    const other = await env.browser.newContext({ viewport: { width: 1400, height: 1000 } })
    try {
      const vetPage = await other.newPage()
      vetPage.setDefaultTimeout(20_000)
      await vetPage.goto(`${env.hub.url}?token=${env.hub.token}`)
      await signIn(vetPage, /Sarah Chen/)
      await expect.poll(() => namesIn(vetPage, 'checked_in')).toContain(booked.patientName)
      // The vet starts the visit from their own Today.
      await group(vetPage, 'checked_in').getByTestId('today-visit').filter({ hasText: booked.patientName }).getByRole('button', { name: 'Start' }).click()
      await expect.poll(() => namesIn(env.page, 'in_progress')).toContain(booked.patientName)
      expect(await stillMarked(env.page)).toBe(true)
    } finally {
      await other.close()
    }
  }, 60_000)

  it('moves a finished visit to Ready for checkout, and to Done once it is paid', async () => {
    const admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const done = await api(env.hub, 'visits.setStatus', { id: booked.visitId, status: 'completed' }, admin)
    expect(done.json.ok, JSON.stringify(done.json)).toBe(true)
    await expect.poll(() => namesIn(env.page, 'ready_for_checkout')).toContain(booked.patientName)
    // the next step is Checkout, for this visit
    const row = group(env.page, 'ready_for_checkout').getByTestId('today-visit').filter({ hasText: booked.patientName })
    expect(await row.getByRole('link', { name: 'Check out' }).getAttribute('href')).toContain(`visit=${booked.visitId}`)
    // Billed and paid at the desk (through the API, as another workstation would): Done.
    const day = (await api(env.hub, 'billing.checkout', {}, admin)).json.result as { visitId: string; patientId: string; clientId: string }[]
    const v = day.find((x) => x.visitId === booked.visitId)!
    const inv = (await api(env.hub, 'billing.createInvoice', { clientId: v.clientId, patientId: v.patientId, visitId: v.visitId, kind: 'invoice' }, admin)).json.result
    await api(env.hub, 'billing.addLine', { invoiceId: inv.id, description: 'Examination', category: 'exam', unitPriceMinor: 5000 }, admin)
    const fin = (await api(env.hub, 'billing.finalizeInvoice', { invoiceId: inv.id }, admin)).json
    expect(fin.ok, JSON.stringify(fin)).toBe(true)
    const paid = await api(env.hub, 'billing.takePayment', { clientId: v.clientId, method: 'cash', amountMinor: fin.result.dueMinor, tenderedMinor: fin.result.dueMinor, idempotencyKey: randomUUID(), allocations: [{ invoiceId: inv.id, amountMinor: fin.result.dueMinor }] }, admin)
    expect(paid.json.ok, JSON.stringify(paid.json)).toBe(true)
    await expect.poll(() => namesIn(env.page, 'done')).toContain(booked.patientName)
    expect(await stillMarked(env.page)).toBe(true)
    expect(env.errors).toEqual([])
  }, 60_000)
})
