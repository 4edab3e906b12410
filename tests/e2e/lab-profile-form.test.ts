import { beforeAll, describe, expect, it } from 'vitest'
import { api, apiSignIn } from '../helpers/hub'
import { demoInBrowser, signIn } from '../helpers/browser'

type LabIntegration = { id: string; kind: string; name: string; config: { lab: { catalog: { code: string; name: string; specimen?: string; kind: string }[]; speciesCodes: Record<string, string>; sexCodes: Record<string, string>; labApplication: string; labFacility: string } } }

/** An administrator edits the demo reference lab's profile with the guided form, never touching JSON. */
describe('lab profile form in Chromium', () => {
  let admin: string

  const savedLab = async (): Promise<LabIntegration> => {
    const list = (await api(env.hub, 'integrations.list', {}, admin)).json.result as LabIntegration[]
    return list.find((i) => i.kind === 'reference_lab')!
  }
  const openLab = async () => {
    await env.page.getByTestId('integrations-table').locator('tr', { hasText: 'Reference lab (simulator)' }).getByRole('button', { name: 'Configure' }).click()
    await env.page.getByTestId('lab-profile-form').waitFor()
  }
  const dialog = () => env.page.getByRole('dialog')

  const env = demoInBrowser()
  beforeAll(async () => {
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
  })

  it('adds a catalog test and changes the canine code, and the profile is saved with both', async () => {
    await env.page.goto(`${env.hub.url}?token=${env.hub.token}`)
    await signIn(env.page, /Alex Morgan/)
    await env.page.getByRole('link', { name: 'Integrations' }).click()
    await openLab()

    await env.page.getByRole('tab', { name: /Tests/ }).click()
    await expect.poll(() => env.page.getByTestId('catalog-row').count()).toBe(4)
    await env.page.getByTestId('catalog-add').click()
    const row = env.page.getByTestId('catalog-row').last()
    await row.getByTestId('catalog-code').fill('FRUC')
    await row.getByTestId('catalog-name').fill('Fructosamine')
    await row.getByTestId('catalog-specimen').fill('Serum')
    await row.getByTestId('catalog-kind').click()
    await env.page.getByRole('option', { name: 'Test', exact: true }).click()

    await env.page.getByRole('tab', { name: 'Species & sex' }).click()
    await env.page.getByTestId('species-code-canine').fill('K9')

    await dialog().getByRole('button', { name: 'Save' }).click()
    await dialog().waitFor({ state: 'hidden' })

    const lab = (await savedLab()).config.lab
    expect(lab.catalog).toHaveLength(5)
    expect(lab.catalog[4]).toEqual({ code: 'FRUC', name: 'Fructosamine', specimen: 'Serum', kind: 'test' })
    expect(lab.speciesCodes).toEqual({ canine: 'K9', feline: 'FELINE', equine: 'EQUINE', rabbit: 'RABBIT' })
    // what the form did not touch is saved as it was
    expect(lab.catalog[0].code).toBe('CBC')
    expect(lab.labApplication).toBe('REFLAB')
    expect(lab.sexCodes['male/neutered']).toBe('MN')
  })

  it('shows the saved values when the form is opened again', async () => {
    await openLab()
    await env.page.getByRole('tab', { name: /Tests/ }).click()
    const row = env.page.getByTestId('catalog-row').last()
    expect(await row.getByTestId('catalog-code').inputValue()).toBe('FRUC')
    expect(await row.getByTestId('catalog-specimen').inputValue()).toBe('Serum')
    await env.page.getByRole('tab', { name: 'Species & sex' }).click()
    expect(await env.page.getByTestId('species-code-canine').inputValue()).toBe('K9')
    // a species the lab has no code for shows what VetOS sends instead
    expect(await env.page.getByTestId('species-code-avian').getAttribute('placeholder')).toBe('avian')
  })

  it('shows an empty test code as an error on its row and saves nothing', async () => {
    await env.page.getByRole('tab', { name: /Tests/ }).click()
    await env.page.getByTestId('catalog-add').click()
    const row = env.page.getByTestId('catalog-row').last()
    await row.getByTestId('catalog-name').fill('No code yet')
    // switch tabs so the form has to bring the error into view by itself
    await env.page.getByRole('tab', { name: 'Messages' }).click()
    await dialog().getByRole('button', { name: 'Save' }).click()

    await expect.poll(() => env.page.getByRole('tab', { name: /Tests/ }).getAttribute('aria-selected')).toBe('true')
    const code = env.page.getByTestId('catalog-row').last().getByTestId('catalog-code')
    await expect.poll(() => code.getAttribute('aria-invalid')).toBe('true')
    expect(await env.page.getByTestId('catalog-row').last().textContent()).toMatch(/required/i)
    await env.page.screenshot({ path: '/tmp/lab-profile-form.png' })
    expect(await dialog().isVisible()).toBe(true)
    expect((await savedLab()).config.lab.catalog.map((t) => t.code)).toEqual(['CBC', 'CHEM10', 'T4', 'UA', 'FRUC'])
  })

  it('edits the same profile as JSON and never applies JSON that does not parse', async () => {
    // the row without a code, added above, is still there; remove it
    await env.page.getByTestId('catalog-row').last().getByTestId('catalog-remove').click()
    expect(await env.page.getByTestId('catalog-row').count()).toBe(5)

    await env.page.getByTestId('profile-json-toggle').check()
    const json = env.page.getByTestId('lab-profile')
    const text = await json.inputValue()
    expect(JSON.parse(text).catalog.map((t: { code: string }) => t.code)).toEqual(['CBC', 'CHEM10', 'T4', 'UA', 'FRUC'])

    await json.fill(text.replace('"labFacility": "SIMLAB"', '"labFacility": "SIMLAB2"'))
    await json.fill('{ "catalog": [')
    await expect.poll(() => dialog().textContent()).toContain('Not valid JSON')

    await env.page.getByTestId('profile-json-toggle').uncheck()
    await env.page.getByRole('tab', { name: 'Messages' }).click()
    expect(await env.page.getByTestId('profile-labFacility').inputValue()).toBe('SIMLAB2')
    await dialog().getByRole('button', { name: 'Save' }).click()
    await dialog().waitFor({ state: 'hidden' })
    expect((await savedLab()).config.lab.labFacility).toBe('SIMLAB2')
    expect(env.errors).toEqual([])
  })
})
