import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { api, apiSignIn, dicomPortOf, hl7PortOf } from '../helpers/hub'
import { demoInBrowser, signIn } from '../helpers/browser'
import { ReferenceLabSimulator } from '../../src-main/simulators/reference-lab'
import { PANELS } from '../../src-main/simulators/analytes'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'

const SHOTS = process.env.VETOS_SCREENSHOTS ?? null

/** Screenshots for a person to look at (VETOS_SCREENSHOTS=<folder>), at the two laptop sizes. */
async function shot(page: Page, name: string, before?: () => Promise<unknown>): Promise<void> {
  if (!SHOTS) return
  const size = page.viewportSize()
  for (const [width, height] of [[1440, 900], [1366, 768]]) {
    await page.setViewportSize({ width, height })
    await before?.()
    await page.screenshot({ path: join(SHOTS, `${name}-${width}.png`) })
  }
  if (size) await page.setViewportSize(size)
}

interface Note {
  id: string
  kind: string
  title: string
  body: string | null
  patientId: string | null
  createdAt: string
}

/**
 * A vet's results as they arrive (issue 13, points 4 to 6): one notification that says what came
 * (final, abnormal), the lab's PDF as a document rather than a value, Print in a new tab that is
 * signed in and saves a PDF, and a notification that opens the exact place it is about.
 */
describe("a lab report, its PDF and its notifications in Chromium", () => {
  let sim: ReferenceLabSimulator
  const env = demoInBrowser({ flags: ['--hl7-host', '127.0.0.1', '--hl7-port', '0', '--dicom-port', '0'], waitMs: 20_000 })
  const cbc = PANELS.CBC
  let vet = ''
  let orderedAt = ''
  let patientId = ''

  beforeAll(async () => {
    sim = new ReferenceLabSimulator({ port: 0, vetos: { host: '127.0.0.1', port: hl7PortOf(env.hub) }, preliminaryAfter: 0.3, finalAfter: 1 })
    await sim.start()
    // Point the demo lab at this simulator; moving it withdraws approval, so approve it again.
    const admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const lab = ((await api(env.hub, 'integrations.list', {}, admin)).json.result as { id: string; kind: string; config: object }[]).find((i) => i.kind === 'reference_lab')!
    await api(env.hub, 'integrations.update', { id: lab.id, config: { ...lab.config, port: sim.port } }, admin)
    await api(env.hub, 'integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] }, admin)
    vet = await apiSignIn(env.hub, (s) => /Sarah Chen/.test(s.displayName))
  })
  afterAll(async () => {
    await sim?.stop()
  })

  /** What the vet was told since the order went out, about this patient. */
  const notesSinceOrder = async (): Promise<Note[]> => {
    const all = (await api(env.hub, 'notifications.list', { limit: 100 }, vet)).json.result as Note[]
    return all.filter((n) => n.createdAt >= orderedAt && n.patientId === patientId && n.kind.startsWith('lab'))
  }

  it("a blood count's final result makes exactly one notification, and it says final", async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Sarah Chen/)
    await env.page.getByRole('link', { name: 'Patients' }).click()
    await env.page.getByTestId('patient-search').fill('bella')
    await env.page.getByTestId('patient-results').locator('tbody tr', { hasText: 'Dog' }).first().click()
    patientId = /\/patients\/([0-9a-f-]+)/.exec(env.page.url())![1]
    await env.page.getByRole('tab', { name: 'Lab Orders' }).click()
    orderedAt = new Date(Date.now() - 1000).toISOString()
    await env.page.getByRole('button', { name: 'New lab order' }).click()
    await env.page.getByTestId('order-lab').click()
    await env.page.getByRole('option', { name: /Reference lab/ }).click()
    await env.page.getByLabel(/Complete blood count/).check()
    await env.page.getByRole('button', { name: 'Send order' }).click()
    const card = env.page.getByTestId('lab-order').first()
    await expect.poll(() => card.getByTestId('order-status').textContent(), { timeout: 20_000 }).toBe('Final results')
    // The preliminary report came first, then the final one; the vet hears once, when it is final.
    await expect.poll(async () => (await notesSinceOrder()).length, { timeout: 10_000 }).toBeGreaterThan(0)
    await shot(env.page, 'labs-final')
    const notes = (await notesSinceOrder()).map((n) => n.title)
    // The simulated values are random: a preliminary report with a critical value is announced too (by design); a routine one never is.
    const finals = notes.filter((t) => !/^Critical preliminary results: /.test(t))
    expect(finals).toEqual([expect.stringMatching(/^Final results: Bella — Complete blood count(, \d+ abnormal| \(all within range\))/)])
  }, 60_000)

  it("counts the panel's tests as its values and keeps the lab's PDF as a document link", async () => {
    const card = env.page.getByTestId('lab-order').first()
    const table = card.getByTestId('lab-values').last()
    await expect.poll(() => table.locator('tbody tr').count()).toBe(cbc.analytes.length)
    expect(await table.textContent()).not.toContain('Lab report (PDF)')
    const [note] = await notesSinceOrder()
    expect(note.body).toMatch(new RegExp(`^${cbc.analytes.length} values`))
    // The PDF is a link beside the results, served from the app's own origin.
    const link = card.getByTestId('report-document').first()
    await shot(env.page, 'labs-order-card', () => link.scrollIntoViewIfNeeded())
    expect(await link.textContent()).toContain('Lab report (PDF)')
    const href = (await link.getAttribute('href'))!
    const head = await env.page.evaluate(async (u) => String.fromCharCode(...new Uint8Array(await (await fetch(u)).arrayBuffer()).slice(0, 5)), href)
    expect(head).toBe('%PDF-')
    // and one of the patient's documents
    await env.page.getByRole('tab', { name: 'Documents' }).click()
    await env.page.getByTestId('documents').locator('tr', { hasText: 'Lab report (PDF)' }).first().waitFor()
    await env.page.getByRole('tab', { name: 'Lab Orders' }).click()
  }, 60_000)

  it('Print opens the report signed in, in a new tab, and it saves as a PDF', async () => {
    const card = env.page.getByTestId('lab-order').first()
    const [tab] = await Promise.all([env.page.context().waitForEvent('page'), card.getByText('Print', { exact: true }).last().click()])
    const report = tab.getByTestId('print-report')
    await report.waitFor({ timeout: 20_000 })
    const text = (await report.textContent())!
    expect(text).toContain('Bella')
    expect(text).toContain('Complete blood count')
    for (const a of cbc.analytes) expect(text).toContain(a.name)
    expect(text).not.toContain('Lab report (PDF) (PDF)')
    // No token or session travels in the new tab's address.
    expect(tab.url()).not.toMatch(/token=/)
    await shot(tab, 'print-report')
    const pdf = await tab.pdf({ format: 'A4' })
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-')
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length
    expect(pages).toBeGreaterThanOrEqual(1)
    await tab.close()
  }, 60_000)

  it("opens an imaging notification on the patient's Imaging tab at that study", async () => {
    const request = (await api(env.hub, 'imaging.requestCreate', { patientId, modality: 'DX', description: 'Abdomen, 3 views' }, vet)).json.result as { accessionNumber: string; studyInstanceUid: string }
    const detail = (await api(env.hub, 'patients.get', { id: patientId }, vet)).json.result
    const dir = join(env.dir, 'send')
    mkdirSync(dir, { recursive: true })
    const file = join(dir, 'thorax.dcm')
    writeFileSync(file, syntheticRadiograph({ patient: { ownerLastName: detail.owner.lastName, petName: detail.patient.name, patientId }, accessionNumber: request.accessionNumber, studyInstanceUid: request.studyInstanceUid, description: 'Abdomen, 3 views', seed: 5 }))
    // Somewhere else in the app when it arrives.
    await env.page.getByRole('link', { name: /Patients/ }).first().click()
    execFileSync('storescu', ['-aec', 'VETOS', '-aet', 'TESTMOD', '127.0.0.1', String(dicomPortOf(env.hub)), file], { stdio: 'pipe' })
    await env.page.getByTestId('notifications-bell').click()
    // The demo has Bella's older studies and their notifications: this one is told apart by its description.
    const note = env.page.getByRole('dialog', { name: 'Notifications' }).getByText(/Images for Bella: Abdomen, 3 views/).first()
    await note.waitFor({ timeout: 20_000 })
    await shot(env.page, 'bell')
    await note.click()
    await expect.poll(() => env.page.getByRole('tab', { name: 'Imaging' }).getAttribute('aria-selected')).toBe('true')
    const study = env.page.locator(`[data-testid=study][data-study-uid="${request.studyInstanceUid}"]`)
    await study.waitFor()
    await expect.poll(() => study.getAttribute('data-focused')).toBe('true')
    await shot(env.page, 'imaging-from-notification', () => study.scrollIntoViewIfNeeded())
  }, 60_000)
})
