/**
 * A change of owner in Chromium, as the front desk makes it: on a demo patient's page, Change
 * owner; nothing chosen and no reason is said beside the fields; the adopter (a client registered
 * today, with no patient yet) is found with the client search, the dialog says what follows
 * (the money stays with the earlier owner), and after the reason the page names the new owner.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { demoInBrowser, signIn } from '../helpers/browser'
import { api, apiSignIn } from '../helpers/hub'

const SHOTS = process.env.VETOS_SHOTS_DIR ?? null

describe('change of owner in Chromium', () => {
  const env = demoInBrowser()
  let pet: { id: string; name: string; clientId: string; ownerName: string }
  let adopter: { id: string; firstName: string; lastName: string }

  beforeAll(async () => {
    const desk = await apiSignIn(env.hub, (s) => s.role === 'front_desk')
    const call = async (method: string, body: unknown) => {
      const r = await api(env.hub, method, body, desk)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    pet = ((await call('patients.search', { query: 'Milo', includeDeceased: false })) as (typeof pet)[])[0]
    adopter = await call('clients.create', { firstName: 'Rosa', lastName: 'Delacroix', phones: [{ label: 'mobile', number: '(475) 555-0188' }] })
  })

  it('changes the owner from the patient page and shows the new one', async () => {
    const page = env.page
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/patients/${pet.id}`)
    await page.getByTestId('signin-staff').or(page.getByTestId('patient-name')).first().waitFor()
    if (await page.getByTestId('signin-staff').isVisible()) await signIn(page, /Priya Nair/)
    await expect.poll(() => page.getByTestId('patient-owner').innerText()).toBe(pet.ownerName)

    await page.getByTestId('patient-change-owner').click()
    await page.getByTestId('owner-confirm').click()
    await expect.poll(() => page.getByTestId('owner-client-error').innerText()).toMatch(/Choose the new owner/)
    await page.getByText('Say why the owner changes').waitFor()

    await page.getByTestId('owner-client-search').fill('Delacroix')
    await page.getByTestId(`owner-client-${adopter.id}`).click()
    await page.getByTestId('owner-picked').waitFor()
    const consequences = await page.getByTestId('owner-consequences').innerText()
    expect(consequences).toContain(`stay with ${pet.ownerName}`)
    expect(consequences).toContain('PetLifeLog')
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/change-owner-dialog.png` })

    await page.getByTestId('owner-reason').fill('Adopted by a neighbour')
    await page.getByTestId('owner-confirm').click()
    await page.getByTestId('owner-confirm').waitFor({ state: 'detached' })
    await expect.poll(() => page.getByTestId('patient-owner').innerText()).toBe('Rosa Delacroix')
  })
})
