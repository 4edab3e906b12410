import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, apiSignIn, hl7PortOf } from '../helpers/hub'
import { answerPrompt, demoInBrowser, signIn } from '../helpers/browser'
import { ReferenceLabSimulator } from '../../src-main/simulators/reference-lab'
import { frame } from '../../src-main/hl7/mllp'
import { exchange, oru } from '../helpers/labs'

/** A vet's lab round trip in Chromium: order, results arriving by themselves, a trend, a review. */
describe('lab orders and results in Chromium', () => {
  let sim: ReferenceLabSimulator
  const env = demoInBrowser({ flags: ['--hl7-host', '127.0.0.1', '--hl7-port', '0'] })
  beforeAll(async () => {
    const hl7Port = hl7PortOf(env.hub)
    sim = new ReferenceLabSimulator({ port: 0, vetos: { host: '127.0.0.1', port: hl7Port }, preliminaryAfter: 0.3, finalAfter: 1 })
    await sim.start()
    // Point the demo lab at this simulator; moving it withdraws approval, so approve it again.
    const admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const lab = ((await api(env.hub, 'integrations.list', {}, admin)).json.result as { id: string; kind: string; config: object }[]).find((i) => i.kind === 'reference_lab')!
    await api(env.hub, 'integrations.update', { id: lab.id, config: { ...lab.config, port: sim.port } }, admin)
    await api(env.hub, 'integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] }, admin)
  })
  afterAll(async () => {
    await sim?.stop()
  })

  const order = async (test: RegExp, note = '') => {
    await env.page.getByRole('button', { name: 'New lab order' }).click()
    await env.page.getByTestId('order-lab').click()
    await env.page.getByRole('option', { name: /Reference lab/ }).click()
    await env.page.getByLabel(test).check()
    await env.page.getByLabel('Note to the lab').fill(note)
    await env.page.getByRole('button', { name: 'Send order' }).click()
  }

  it('orders a blood count and sees final results attach by themselves', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Sarah Chen/)
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').fill('bella')
    await env.page.getByTestId('patient-results').locator('tbody tr', { hasText: 'Dog' }).first().click()
    await env.page.getByRole('tab', { name: 'Lab Orders' }).click()
    await order(/Complete blood count/)
    const card = env.page.getByTestId('lab-order').first()
    await expect.poll(() => card.getByTestId('order-status').textContent(), { timeout: 10_000 }).toBe('Final results')
    await expect.poll(() => card.getByTestId('lab-values').first().textContent()).toContain('Hematocrit')
    expect(sim.received[0].tests).toEqual(['CBC'])
  })

  it('draws the trend of one analyte with its reference band', async () => {
    await env.page.getByTestId('lab-values').first().getByText('Hematocrit').click()
    await env.page.getByTestId('trend-chart').locator('svg.recharts-surface').waitFor()
    expect(await env.page.getByTestId('trend-chart').locator('.recharts-area-area').count()).toBe(1)
  })

  it("keeps the lab's PDF report on the record and opens it from the app's own origin", async () => {
    await env.page.getByRole('tab', { name: 'Documents' }).click()
    const row = env.page.getByTestId('documents').locator('tr', { hasText: 'Lab report (PDF)' }).first()
    await row.waitFor()
    const href = (await row.getByRole('link', { name: 'Save a copy' }).getAttribute('href'))!
    expect(href).toMatch(/^\/media\/documents\/[0-9a-f-]+\?token=/)
    const served = await env.page.evaluate(async (u) => {
      const r = await fetch(u)
      const bytes = new Uint8Array(await r.arrayBuffer())
      return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...bytes.slice(0, 5)) }
    }, href)
    expect(served).toEqual({ status: 200, type: 'application/pdf', head: '%PDF-' })
    // without the session the same path is refused
    expect(await env.page.evaluate(async (u) => (await fetch(u)).status, href.replace(/\?token=.*/, ''))).toBe(401)
    const [popup] = await Promise.all([env.page.waitForEvent('popup'), row.getByRole('button', { name: 'Open' }).click()])
    expect(popup.url()).toContain('/media/documents/')
    await popup.close()
    await env.page.getByRole('tab', { name: 'Lab Orders' }).click()
  })

  it('holds a result with a misspelled name for review, and a person attaches it', async () => {
    await order(/Total T4/, 'simulate: misspell')
    await expect.poll(() => env.page.getByTestId('review-count').textContent(), { timeout: 10_000 }).toMatch(/^[12]$/)
    await env.page.getByRole('link', { name: /Lab Review/ }).click()
    const item = env.page.getByTestId('review-item').first()
    expect(await item.textContent()).toMatch(/pet name "Bela" differs from "Bella"/)
    await item.getByTestId('review-candidates').getByRole('button', { name: /Attach to/ }).first().click()
    // the reason is asked in the app's own modal, offering "Identity confirmed"
    expect(await answerPrompt(env.page)).toBe('Identity confirmed')
    await expect.poll(() => env.page.getByTestId('review-item').count(), { timeout: 10_000 }).toBeLessThan(2)
    expect(env.errors).toEqual([])
  })

  it('stays usable through a burst of results: one toast and a summary, and a few refreshes instead of one per change', async () => {
    await env.page.getByRole('link', { name: /Lab Review/ }).click()
    // Counted by the hub, not read off a badge that may not have caught up with the attach before.
    const token = await apiSignIn(env.hub, (s) => s.role === 'veterinarian')
    const waiting = async () => ((await api(env.hub, 'labs.reviewCount', {}, token)).json.result as { count: number }).count
    const before = await waiting()
    let calls = 0
    const count = (r: { url(): string }) => {
      if (r.url().includes('/api/')) calls++
    }
    env.page.on('request', count)
    // 80 results for nobody we know, as fast as the hub takes them: 80 reviews and 80 notifications.
    const burst = Array.from({ length: 80 }, (_, k) => frame(oru({ controlId: `BURST-${k}`, owner: 'Nobody', pet: `Burst${k}` })))
    await exchange(hl7PortOf(env.hub), burst)
    await expect.poll(waiting, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 80)
    // the badge says what the hub counts (a simulator result still on its way may add one)
    await expect.poll(async () => Number(await env.page.getByTestId('review-count').textContent()) === (await waiting()), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => env.page.getByText(/^\d+ more: \d+ to review$/).count(), { timeout: 10_000 }).toBe(1)
    env.page.off('request', count)
    // Every change used to refetch every open query: about four calls per result, 300 for this burst.
    // Refreshes are throttled, not counted per result: fewer than two calls per result even on a slow machine.
    expect(calls).toBeLessThan(160)
    expect(await env.page.getByText(/^Needs review: /).count()).toBeLessThanOrEqual(1)
    // the screen lists the oldest 50 and says how many wait in all
    await expect.poll(() => env.page.getByTestId('review-item').count()).toBe(50)
    expect(await env.page.getByTestId('review-more').textContent()).toBe(`Showing the oldest 50 of ${before + 80}. The others appear here as these are decided.`)
    expect(env.errors).toEqual([])
  })
})
