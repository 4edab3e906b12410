/**
 * Onboarding a lab nobody has profiled, in Chromium, as an administrator does it: the lab is put in
 * capture mode; what it sends appears on the Capture screen by itself, field by field, filed to no
 * one; the profile is built in the guided form while a live preview shows how each captured message
 * would now be read and matched; saved with capture mode ended, the lab's next result files itself.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { frame } from '../../src-main/hl7/mllp'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn, hl7PortOf } from '../helpers/hub'
import { exchange, freePort } from '../helpers/labs'

const SHOTS = process.env.VETOS_SHOTS_DIR ?? null

function novaOru(controlId: string, orderNumber: string, patientId: string): Buffer {
  return frame(
    [
      `MSH|^~\\&|NOVALAB|NOVA1|VETOS|RIVERSIDE|20261202093000||ORU^R01^ORU_R01|${controlId}|P|2.5`,
      `PID|1||${patientId}||Okafor^Biscuit||20190301|MC${'|'.repeat(27)}K9^Canine`,
      `ORC|RE|${orderNumber}|N-${controlId}`,
      `OBR|1|${orderNumber}|N-${controlId}|CHM^Chemistry|||20261202080000|||||||||||||||||F`,
      `OBX|1|NM|GLU1^Glucose (Nova)||5.4|mmol/L|3.9-6.1|N|||F`
    ].join('\r')
  )
}

describe('capture mode and the capture-to-profile form in Chromium', () => {
  const env = demoInBrowser({ flags: ['--hl7-port', '0'] })
  let admin: string
  let lab: { id: string; config: Record<string, unknown> }
  let patientId: string
  let orderNumber: string
  beforeAll(async () => {
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    const vet = await apiSignIn(env.hub, (s) => s.role === 'veterinarian')
    const call = async (method: string, body: unknown, who = admin) => {
      const r = await api(env.hub, method, body, who)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    const client = await call('clients.create', { firstName: 'Rosa', lastName: 'Okafor', phones: [] })
    patientId = (await call('patients.create', { clientId: client.id, name: 'Biscuit', species: 'canine', sex: 'male', neuterStatus: 'neutered', dateOfBirth: '2019-03-01' })).id
    // A lab the clinic orders from, whose results nobody has seen yet: its codes are unknown.
    const profile = { labApplication: 'NOVALAB', labFacility: 'NOVA1', catalog: [{ code: 'CHM', name: 'Chemistry', kind: 'panel' }], speciesCodes: {}, sexCodes: {} }
    lab = await call('integrations.create', { kind: 'reference_lab', name: 'Nova Diagnostics', config: { host: '127.0.0.1', port: await freePort(), retrySeconds: 300, lab: profile } })
    await call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
    orderNumber = (await call('labs.placeOrder', { patientId, integrationId: lab.id, tests: ['CHM'] }, vet)).orderNumber
    lab = await call('integrations.update', { id: lab.id, config: { ...lab.config, capture: true } })
  })

  const open = async (page: Page) => {
    await page.goto('about:blank')
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/integrations`)
    await signIn(page, /Alex Morgan/)
    await page.getByRole('link', { name: 'Integrations' }).click()
    await page.getByTestId('integrations-table').waitFor()
  }

  it('shows what the lab sends by itself, field by field, and files none of it', async () => {
    const page = env.page
    await open(page)
    const row = page.getByRole('row').filter({ hasText: 'Nova Diagnostics' })
    expect(await row.getByTestId('capture-badge').innerText()).toMatch(/capture mode/i)
    await row.getByTestId('integration-capture').click()
    await page.getByTestId('capture-empty').waitFor()
    expect(await page.getByTestId('capture-state').innerText()).toMatch(/capture mode on/i)

    // The lab sends while the screen is open: the message appears without a reload.
    const [ack] = await exchange(hl7PortOf(env.hub), [novaOru('NV1', orderNumber, patientId)])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')
    await page.getByTestId('captured-message').first().waitFor()
    const pet = page.locator('[data-testid=captured-field][data-position="PID-5.2"]')
    expect(await pet.innerText()).toMatch(/Biscuit\s+Pet name/)
    expect(await page.locator('[data-testid=captured-field][data-position="PID-35.1"]').innerText()).toMatch(/K9\s+Species code/)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/capture-fields.png`, fullPage: true })
    // Filed to no one: Biscuit has no result.
    expect((await api(env.hub, 'labs.results', { patientId }, admin)).json.result).toEqual([])
  }, 60_000)

  it('previews the profile live as it is built, then saves it and the next result files itself', async () => {
    const page = env.page
    const preview = page.getByTestId('capture-preview')
    const report = preview.getByTestId('preview-report').first()
    await report.waitFor()
    // As the profile stands, a person would have to decide: the lab's species code means nothing yet.
    expect(await report.getAttribute('data-outcome')).toBe('review')
    expect(await report.innerText()).toMatch(/species code "K9" is not understood/)

    // Species & sex: the lab's K9 is a dog, MC a neutered male.
    await page.getByRole('tab', { name: 'Species & sex' }).click()
    await page.getByTestId('species-code-canine').fill('K9')
    await page.getByTestId('sex-code-male/neutered').fill('MC')
    await expect.poll(() => report.getAttribute('data-outcome'), { timeout: 10_000 }).toBe('attach')
    expect(await report.innerText()).toMatch(/would attach to biscuit/i)
    expect(await report.innerText()).toMatch(/Species: K9 → canine/)

    // The lab's glucose code, taken from the capture into the code map, then given the clinic's code.
    await page.getByTestId('seen-code-GLU1').click()
    await page.getByRole('tab', { name: /Result codes/ }).click()
    await page.getByTestId('codemap-code').fill('GLU')
    await page.getByTestId('codemap-name').fill('Glucose')
    await expect.poll(() => preview.getByTestId('preview-result').first().innerText(), { timeout: 10_000 }).toMatch(/GLU · Glucose/)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/capture-preview.png`, fullPage: true })

    await page.getByTestId('capture-finish').click()
    await page.getByTestId('capture-saved').waitFor()
    await expect.poll(() => page.getByTestId('capture-state').innerText()).toMatch(/capture mode off/i)
    // Capture is over: saving again can no longer switch it back on.
    expect(await page.getByTestId('capture-save').count()).toBe(0)
    expect(await page.getByTestId('capture-finish').innerText()).toBe('Save profile')

    // No restart: the lab's next message is read with the profile and filed to Biscuit.
    const [ack] = await exchange(hl7PortOf(env.hub), [novaOru('NV2', orderNumber, patientId)])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')
    const results = (await api(env.hub, 'labs.results', { patientId }, admin)).json.result as { attachedAutomatically: boolean; observations: { code: string; name: string }[] }[]
    expect(results).toHaveLength(1)
    expect(results[0].attachedAutomatically).toBe(true)
    expect(results[0].observations.map((o) => [o.code, o.name])).toEqual([['GLU', 'Glucose']])
    const saved = (await api(env.hub, 'integrations.list', {}, admin)).json.result.find((i: { id: string }) => i.id === lab.id)
    expect(saved.config.capture).toBe(false)
    expect(saved.config.lab.speciesCodes).toEqual({ canine: 'K9' })
    expect(saved.approval).not.toBeNull()
  }, 60_000)

  it('is for administrators only', async () => {
    const page = env.page
    await page.goto('about:blank')
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/integrations`)
    await page.getByTestId('account-menu').click()
    await page.getByRole('menuitem', { name: 'Switch user' }).click()
    await signIn(page, /Priya Nair/)
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/integrations/${lab.id}/capture`)
    await page.getByText('Only an administrator reads what a device sent').waitFor()
    expect(await page.getByTestId('captured-message').count()).toBe(0)
  }, 60_000)
})
