/**
 * The integration catalog in Chromium, as a clinic meets it: the administrator's "Add
 * integration" opens what can connect, grouped by kind, each entry saying how it connects, what it
 * exchanges, what it will ask to be approved for and what it was tested against; setting one up
 * fills in its profile and sends nothing until approved; an entry support drops into the data
 * folder shows without a restart; the front desk can read the catalog but not set anything up.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { demoInBrowser, signIn } from '../helpers/browser'
import { ROOT, api, apiSignIn } from '../helpers/hub'

const SHOTS = process.env.VETOS_SHOTS_DIR ?? null

describe('the integration catalog in Chromium', () => {
  const env = demoInBrowser()
  let admin: string
  beforeAll(async () => {
    admin = await apiSignIn(env.hub, (s) => s.role === 'admin')
  })
  const dialog = () => env.page.getByRole('dialog')
  /** The Integrations screen, fresh, signed in as who. */
  const open = async (who: RegExp) => {
    const page = env.page
    await page.goto('about:blank')
    await page.goto(`${env.hub.url}?token=${env.hub.token}#/integrations`)
    await page.getByTestId('signin-staff').or(page.getByTestId('account-menu')).first().waitFor()
    if (await page.getByTestId('account-menu').isVisible()) {
      await page.getByTestId('account-menu').click()
      await page.getByRole('menuitem', { name: 'Switch user' }).click()
    }
    await signIn(page, who)
    await page.getByRole('link', { name: 'Integrations' }).click()
    await page.getByTestId('integrations-table').waitFor()
  }

  it('shows what connects by kind and sets up a lab from its entry, unapproved', async () => {
    const page = env.page
    await open(/Alex Morgan/)
    await page.getByTestId('integration-add').click()
    const catalog = page.getByTestId('connect-catalog')
    await catalog.getByRole('heading', { name: 'Reference labs' }).waitFor()
    const groups = await catalog.getByRole('heading', { level: 4 }).allInnerTexts()
    expect(groups).toEqual(['Reference labs', 'In-house analyzers', 'Imaging modalities', 'Payment processors', 'PROVENIQ network', 'VetOS support'])
    const orm = page.getByTestId('connect-entry-reference-lab-hl7-v25-orm')
    expect(await orm.innerText()).toMatch(/HL7 v2\.5 over MLLP/)
    expect(await orm.getByTestId('connect-categories').innerText()).toMatch(/patient identity[\s\S]*lab orders/i)
    expect(await orm.getByTestId('connect-tested').innerText()).toMatch(/simple-hl7/)
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/integration-catalog.png` })

    // Finding by protocol narrows the list to the ASTM analyzers.
    await page.getByTestId('connect-search').fill('astm')
    await expect.poll(() => catalog.locator('[data-testid^="connect-entry-"]').count()).toBe(2)
    await page.getByTestId('connect-entry-analyzer-astm-tcp').waitFor()
    await page.getByTestId('connect-search').fill('')

    await page.getByTestId('connect-start-reference-lab-hl7-v25-orm').click()
    await dialog().getByTestId('integration-from-catalog').waitFor()
    expect(await page.getByTestId('integration-name').inputValue()).toBe('Reference laboratory — HL7 v2.5 (ORM^O01)')
    await page.getByTestId('integration-name').fill('Riverside Reference Lab')
    await dialog().getByLabel('Peer host').fill('10.20.0.15')
    expect(await dialog().getByLabel('Peer port').inputValue()).toBe('2575')
    await dialog().getByRole('tab', { name: /Tests/ }).click()
    const codes = page.getByTestId('catalog-code')
    await expect.poll(async () => Promise.all((await codes.all()).map((c) => c.inputValue()))).toEqual(['CBC', 'CHEM', 'T4', 'UA'])
    await dialog().getByRole('button', { name: 'Save' }).click()
    await dialog().waitFor({ state: 'hidden' })

    const row = page.getByTestId('integrations-table').locator('tr', { hasText: 'Riverside Reference Lab' })
    await expect.poll(() => row.innerText()).toMatch(/not approved: sends nothing/i)
    // its health, in words for the front desk
    expect(await row.getByTestId('integration-health').innerText()).toMatch(/^Not approved: VetOS sends it nothing\.\s+An administrator approves it/)
    // A device still being captured sends nothing because it is capturing, whatever its approval.
    expect(await page.getByTestId('integrations-table').locator('tr', { hasText: 'Urine analyzer' }).innerText()).toMatch(/capturing: sends nothing/i)
    // Services called on request (cards, the registry, support) are idle between calls, not "not running".
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/integrations-table.png`, fullPage: true })
    const all = (await api(env.hub, 'integrations.list', {}, admin)).json.result as { name: string; kind: string; enabled: boolean }[]
    const onRequest = all.filter((i) => i.enabled && ['payments', 'petmayday', 'petlifelog', 'support'].includes(i.kind))
    expect(onRequest.length).toBeGreaterThan(0)
    for (const { name } of onRequest) {
      const state = await page.getByTestId('integrations-table').locator('tr', { hasText: name }).first().getByTestId('integration-state').innerText()
      expect(state, name).not.toMatch(/not running/i)
    }
    const saved = ((await api(env.hub, 'integrations.list', {}, admin)).json.result as { name: string; approval: unknown; config: Record<string, unknown> }[]).find((i) => i.name === 'Riverside Reference Lab')!
    expect(saved.approval).toBeNull()
    expect(saved.config).toMatchObject({ host: '10.20.0.15', port: 2575, catalogEntry: 'reference-lab-hl7-v25-orm', lab: { orderMessage: 'ORM^O01', labApplication: 'REFLAB' } })
  }, 90_000)

  it('shows an entry support adds to the data folder without a restart, and names a broken one', async () => {
    const page = env.page
    const serial = JSON.parse(readFileSync(join(ROOT, 'resources', 'catalog', 'analyzer-astm-serial.json'), 'utf8'))
    mkdirSync(join(env.dir, 'catalog'), { recursive: true })
    writeFileSync(join(env.dir, 'catalog', 'hm5.json'), JSON.stringify({ ...serial, id: 'clinic-hm5', name: 'Hematology HM5 (profiled on site)', tested: 'Captured on site by support: 40 runs read and matched.' }))
    writeFileSync(join(env.dir, 'catalog', 'typo.json'), '{ "id": "typo", ')
    await open(/Alex Morgan/)
    await page.getByTestId('integration-add').click()
    const hm5 = page.getByTestId('connect-entry-clinic-hm5')
    await hm5.waitFor()
    expect(await hm5.innerText()).toMatch(/added by support/i)
    expect(await page.getByTestId('connect-problems').innerText()).toMatch(/catalog\/typo\.json: is not valid JSON/)
    await page.keyboard.press('Escape')
    await page.getByTestId('connect-catalog').waitFor({ state: 'hidden' })
  }, 60_000)

  it('lets the front desk read what connects, without setting anything up', async () => {
    const page = env.page
    await open(/Priya Nair/)
    await page.getByTestId('integration-catalog').click()
    await page.getByTestId('connect-entry-payments-stripe-terminal').waitFor()
    expect(await page.locator('[data-testid^="connect-start-"]').count()).toBe(0)
    expect(await page.getByTestId('connect-blank').count()).toBe(0)
    expect(await page.getByTestId('connect-problems').count()).toBe(0)
  }, 60_000)
})
