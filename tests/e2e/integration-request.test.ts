/**
 * "Request a new integration" in Chromium, as an administrator meets it: a device in capture mode
 * sent a result (over real MLLP); the administrator fills in the form, attaches that sample, reviews
 * it without the pet's or owner's name (identity removal is on by default), sends it, and sees
 * the support desk's ticket; the simulated desk (real HTTP) never received the names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn, hl7PortOf } from '../helpers/hub'
import { exchange, oru, REFLAB_PROFILE } from '../helpers/labs'
import { frame } from '../../src-main/hl7/mllp'
import { SupportDeskSimulator } from '../../src-main/simulators/support-desk'

const KEY = 'sup_e2e_key_0001'
const SHOTS = process.env.VETOS_SHOTS_DIR ?? null

describe('requesting a new integration in Chromium', () => {
  const env = demoInBrowser({ flags: ['--hl7-host', '127.0.0.1', '--hl7-port', '0'], waitMs: 20_000 })
  let desk = new SupportDeskSimulator({ apiKeys: [KEY] })
  let admin: string
  const call = async (method: string, input: unknown) => {
    const r = await api(env.hub, method, input, admin)
    if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
    return r.json.result
  }

  beforeAll(async () => {
    await desk.start()
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
    // The demo's own labs would claim the sender name; this lab is new, in capture mode.
    for (const i of await call('integrations.list', {})) if (i.kind === 'reference_lab') await call('integrations.update', { id: i.id, enabled: false })
    await call('integrations.create', { kind: 'reference_lab', name: 'Acme LabLink (capture)', enabled: true, config: { host: '127.0.0.1', port: 9, lab: REFLAB_PROFILE, capture: true } })
    const [ack] = await exchange(hl7PortOf(env.hub), [frame(oru({ controlId: 'CAP-E2E', owner: 'Okafor', pet: 'Biscuit', patientId: 'P-1001', dob: '20190412', sex: 'F', orderNumber: 'ORD-77' }))])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')
    const support = await call('integrations.create', { kind: 'support', name: 'VetOS support', enabled: true, config: { baseUrl: desk.url, apiKey: KEY, retrySeconds: 1 } })
    await call('integrations.approve', { id: support.id, categories: ['device_samples'] })
  })
  afterAll(() => desk.stop())

  it('attaches a captured sample, shows it without the pet’s name, sends it and shows the ticket', async () => {
    const page = env.page
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/integrations`)
    await signIn(page, /Alex Morgan/)
    await page.getByRole('link', { name: 'Integrations' }).click()
    await page.getByTestId('integration-request').click()
    const modal = page.getByTestId('request-integration')
    await modal.getByTestId('request-vendor').fill('Acme Diagnostics')
    await modal.getByTestId('request-model').fill('LabLink 5')
    await modal.getByTestId('request-contact').fill('Alex Morgan')
    await modal.getByTestId('request-phone').fill('555 0100')
    await modal.getByTestId('request-sample').first().check()
    expect(await modal.getByTestId('request-remove-identity').isChecked()).toBe(true)
    await modal.getByTestId('request-review').click()

    const text = await modal.getByTestId('request-sample-text').innerText()
    expect(text).toMatch(/^PID\|1\|\|REMOVED\|\|REMOVED\^REMOVED/m)
    expect(text).toContain('OBX|1|NM|WBC^White blood cells^L||12.5')
    for (const secret of ['Biscuit', 'Okafor', 'P-1001']) expect(text).not.toContain(secret)
    expect(await modal.getByTestId('request-preview').innerText()).toMatch(/To VetOS support, through the consent gate, for: Sample device messages/)
    expect(await modal.getByTestId('request-not-approved').count()).toBe(0)

    // Keeping the patient's identity needs approvals support does not have: the review names them before anything is sent.
    await modal.getByRole('button', { name: 'Back' }).click()
    await modal.getByTestId('request-remove-identity').uncheck()
    await modal.getByTestId('request-review').click()
    expect(await modal.getByTestId('request-not-approved').innerText()).toMatch(/not approved for Patient identity .* and Owner name and contact details yet/)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/integration-request-not-approved.png`, fullPage: true })
    await modal.getByRole('button', { name: 'Back' }).click()
    await modal.getByTestId('request-remove-identity').check()
    await modal.getByTestId('request-review').click()
    expect(await modal.getByTestId('request-sample-text').innerText()).not.toContain('Biscuit')

    if (SHOTS) await page.screenshot({ path: `${SHOTS}/integration-request-review.png`, fullPage: true })
    await modal.getByTestId('request-send').click()
    await modal.getByTestId('request-sent').waitFor()
    await expect.poll(() => modal.getByTestId('request-ticket').first().innerText(), { timeout: 15_000 }).toBe('SUP-1001')
    expect(await modal.getByTestId('request-status').first().innerText()).toMatch(/Sent: support ticket SUP-1001/)
    expect(await modal.getByTestId('request-sent').innerText()).toMatch(/Sent: support ticket SUP-1001/)

    if (SHOTS) await page.screenshot({ path: `${SHOTS}/integration-request-sent.png`, fullPage: true })
    expect(desk.received).toHaveLength(1)
    for (const secret of ['Biscuit', 'Okafor', 'P-1001']) expect(desk.received[0].raw).not.toContain(secret)
    expect(desk.received[0].body.request).toMatchObject({ vendor: 'Acme Diagnostics', model: 'LabLink 5' })
  })

  it('queues a request while the support desk cannot be reached, and shows its ticket once it answers', async () => {
    const page = env.page
    const port = desk.port
    await desk.stop()
    const modal = page.getByTestId('request-integration')
    await modal.getByTestId('request-vendor').fill('Heska')
    await modal.getByTestId('request-model').fill('Element DC')
    await modal.getByTestId('request-contact').fill('Alex Morgan')
    await modal.getByTestId('request-phone').fill('555 0100')
    await modal.getByTestId('request-review').click()
    await modal.getByTestId('request-send').click()
    await expect.poll(() => modal.getByTestId('request-status').first().innerText(), { timeout: 15_000 }).toMatch(/Queued: will be sent when the support desk can be reached \(last try: the support desk cannot be reached/)
    expect(await modal.getByTestId('request-sent').innerText()).toMatch(/Queued/)

    desk = new SupportDeskSimulator({ port, apiKeys: [KEY], firstTicket: 1002 })
    await desk.start()
    await expect.poll(() => modal.getByTestId('request-ticket').first().innerText(), { timeout: 20_000 }).toBe('SUP-1002')
    expect(desk.received.map((r) => r.body.request.model)).toEqual(['Element DC'])
  })

  it('is offered from the catalog when a system is not listed', async () => {
    const page = env.page
    await page.keyboard.press('Escape')
    await page.getByTestId('request-integration').waitFor({ state: 'detached' })
    await page.getByTestId('integration-add').click()
    await page.getByTestId('connect-request').click()
    await expect.poll(() => page.getByTestId('request-row').count()).toBe(2)
  })
})
