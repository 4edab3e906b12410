/**
 * Forms as a new user meets them, in Chromium on the demo clinic (issue 13, points 2, 3 and 7):
 * - a weight no dog can have (1,999 kg) is refused on the patient's weight card, "1e5" is refused
 *   rather than read as some other number, a big jump needs an explicit "Yes, … is right", and in a
 *   clinic that weighs in pounds the card says lb and stores the exact kilograms;
 * - the new-patient form shows every problem at once, each beside its field, in plain words;
 * - a second client with the same name and phone is caught: the warning names the existing client
 *   and offers Open and Create anyway.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn } from '../helpers/hub'

const SHOTS = process.env.VETOS_SHOTS_DIR ?? null
const LB = 0.45359237

describe('forms in Chromium', () => {
  const env = demoInBrowser({ waitMs: 20_000 })
  let desk: string
  let admin: string
  const call = async (method: string, body: unknown, token = desk) => {
    const r = await api(env.hub, method, body, token)
    if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
    return r.json.result
  }
  const weights = async (id: string): Promise<number[]> => ((await call('patients.get', { id })).weights as { weightKg: number }[]).map((w) => w.weightKg)

  beforeAll(async () => {
    desk = await apiSignIn(env.hub, (s) => s.role === 'front_desk')
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
  })

  const open = async (page: Page, hash: string) => {
    await page.goto(`${env.hub.url}?token=${env.hub.token}#${hash}`)
    await page.getByTestId('signin-staff').or(page.locator('main')).first().waitFor()
    if (await page.getByTestId('signin-staff').isVisible()) await signIn(page, /Priya Nair/)
  }

  it('refuses an impossible weight and "1e5", asks before a big jump, and takes pounds exactly', async () => {
    const page = env.page
    // A demo poodle with a weight on record.
    const dogs = (await call('patients.search', { query: 'a', kind: 'name', limit: 100, includeDeceased: false })) as { id: string; species: string; breed: string | null }[]
    let poodle: { id: string } | undefined
    for (const d of dogs.filter((p) => p.species === 'canine')) {
      if ((await weights(d.id)).length > 0) {
        poodle = d
        if (d.breed === 'Poodle') break
      }
    }
    if (!poodle) throw new Error('the demo has no dog with a weight')
    const before = await weights(poodle.id)
    const last = before[0]

    await open(page, `/patients/${poodle.id}`)
    const input = page.getByLabel(/^Weight in/)
    const record = page.getByRole('button', { name: 'Record' })

    await input.fill('1999')
    await record.click()
    await expect.poll(() => page.getByText(/not possible/i).count()).toBeGreaterThan(0)
    expect(await weights(poodle.id)).toEqual(before)

    await input.fill('1e5')
    await record.click()
    await expect.poll(() => page.getByText(/plain number/i).count()).toBeGreaterThan(0)
    expect(await weights(poodle.id)).toEqual(before)

    // Three times the last weight, still possible for a dog: saved only when confirmed.
    const jump = Math.round(last * 3 * 10) / 10
    await input.fill(String(jump))
    await record.click()
    const confirm = page.getByRole('button', { name: /^Yes, .* is right$/ })
    await confirm.waitFor()
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/weight-confirm.png` })
    expect(await weights(poodle.id)).toEqual(before)
    await confirm.click()
    await expect.poll(() => weights(poodle.id).then((w) => w[0])).toBe(jump)

    // The clinic weighs in pounds: the card says lb, and 22 lb is stored as 9.979 kg.
    await call('clinic.update', { weightUnit: 'lb' }, admin)
    await page.reload()
    await page.getByLabel('Weight in lb').waitFor()
    // A little more than the last weight, so the new row is told apart from the jump before it.
    const pounds = Math.round((jump / LB) * 10) / 10 + 1
    await page.getByLabel('Weight in lb').fill(String(pounds))
    await page.getByRole('button', { name: 'Record' }).click()
    await expect.poll(async () => (await weights(poodle.id))[0]).toBeCloseTo(pounds * LB, 3)
    await expect.poll(() => page.getByText(`${pounds.toFixed(1)} lb`).count()).toBeGreaterThan(0)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/weight-card-lb.png` })
    await call('clinic.update', { weightUnit: 'kg' }, admin)
  }, 180_000)

  it('shows every problem of the new-patient form at once, beside its field, in plain words', async () => {
    const page = env.page
    const owner = (await call('clients.create', { firstName: 'Imogen', lastName: 'Vasquez-Thorne', phones: [{ label: 'mobile', number: '(475) 555-0142' }] })) as { id: string }
    await open(page, `/clients/${owner.id}?addPatient=1`)
    const dialog = page.getByRole('dialog')
    await dialog.getByLabel('Species').click()
    await page.getByRole('option', { name: 'Dog' }).click()
    await dialog.getByLabel(/^Date of birth/).fill('2099-05-01')
    await dialog.getByLabel(/^Microchip/).fill('12AB')
    await dialog.getByLabel(/^Weight/).fill('1e5')
    await dialog.getByRole('button', { name: 'Create patient' }).click()

    // Each field says what is wrong with it, all four together, without the schema's words.
    const errorOf = (name: string) => dialog.locator(`[name="${name}"]`).locator('xpath=ancestor::div[contains(@class,"mantine-InputWrapper-root")][1]').locator('.mantine-InputWrapper-error')
    await expect.poll(() => errorOf('name').innerText().catch(() => '')).toMatch(/required/i)
    await expect.poll(() => errorOf('dateOfBirth').innerText().catch(() => '')).toMatch(/future/i)
    await expect.poll(() => errorOf('microchip').innerText().catch(() => '')).toMatch(/microchip|digits/i)
    await expect.poll(() => errorOf('weight').innerText().catch(() => '')).toMatch(/plain number/i)
    const text = await dialog.innerText()
    expect(text).not.toMatch(/expected|Too big|Too small|invalid_|<=|>=/)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/patient-form-errors.png` })
    const listed = (await call('clients.get', { id: owner.id })).patients as unknown[]
    expect(listed).toEqual([])
  }, 120_000)

  it('warns of a likely duplicate client, with Open and Create anyway', async () => {
    const page = env.page
    const existing = (await call('clients.create', { firstName: 'Théo', lastName: 'Marchand', phones: [{ label: 'mobile', number: '(475) 555-0199' }] })) as { id: string }
    await open(page, '/patients')
    await page.getByRole('button', { name: 'New client' }).click()
    const dialog = page.getByRole('dialog')
    // The same person typed differently: no accent, other case, other punctuation in the phone.
    await dialog.locator('[name="firstName"]').fill('theo')
    await dialog.locator('[name="lastName"]').fill('MARCHAND')
    await dialog.locator('[name="phone0"]').fill('475.555.0199')
    await dialog.getByRole('button', { name: 'Create client' }).click()

    const warning = page.getByTestId('duplicate-warning')
    await warning.waitFor()
    expect(await warning.innerText()).toMatch(/Théo Marchand/)
    await warning.getByRole('button', { name: 'Create anyway' }).waitFor()
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/duplicate-client.png` })
    expect(((await call('clients.search', { query: 'Marchand' })) as unknown[]).length).toBe(1)
    await warning.getByRole('link', { name: /Open/ }).or(warning.getByRole('button', { name: /Open/ })).first().click()
    await expect.poll(() => page.url()).toContain(`/clients/${existing.id}`)
  }, 120_000)
})
