import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { startHubProcess, type RunningHub } from '../helpers/hub'
import { tempDir } from '../helpers/app'
import { answerPrompt, explainFailures, launchBrowser, openPage, signIn } from '../helpers/browser'

/** The front desk's first morning, in a real browser against the real hub. */
describe('front desk in Chromium', () => {
  let hub: RunningHub
  let dir: string
  let browser: Browser
  let page: Page
  const errors: string[] = []

  beforeAll(async () => {
    dir = tempDir()
    hub = await startHubProcess(['--data-dir', dir, '--demo'])
    browser = await launchBrowser()
    page = await openPage(browser, errors, 8000)
  })
  afterAll(async () => {
    await browser?.close()
    await hub?.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  explainFailures(() => ({ page, errors, hub }))

  const signInAs = async (name: RegExp) => {
    await signIn(page, name)
    await page.getByTestId('patient-search').waitFor()
    expect(await page.getByTestId('account-menu').textContent()).toMatch(name)
  }

  it('refuses a wrong PIN and signs in with the right one', async () => {
    await page.goto(`${hub.url}?token=${hub.token}`)
    await page.getByText('Riverside Veterinary Clinic').waitFor()
    // the token leaves the address bar once read
    expect(page.url()).not.toContain('token=')
    await signIn(page, /Priya Nair/, '0000')
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Wrong PIN')
    await page.getByTestId('signin-pin').fill('1234')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByTestId('patient-search').waitFor()
    expect(await page.getByTestId('account-menu').textContent()).toContain('Priya Nair')
  })

  it('registers a client and a patient', async () => {
    await page.getByRole('button', { name: 'New client' }).click()
    await page.locator('input[name=firstName]').fill('Henrietta')
    await page.locator('input[name=lastName]').fill('Okonkwo-Baptiste')
    await page.locator('input[name=phone0]').fill('(608) 555-7319')
    await page.locator('input[name=email]').fill('h.okonkwo@example.com')
    await page.getByRole('button', { name: 'Create client' }).click()
    // straight on to the new patient form
    await page.locator('input[name=name]').fill('Biscotti')
    await page.locator('input[name=breed]').fill('Whippet')
    await page.locator('input[name=microchip]').fill('FDX-B 985 141 000 123 456')
    await page.locator('input[name=dateOfBirth]').fill('2021-06-15')
    await page.getByRole('button', { name: 'Create patient' }).click()
    await expect.poll(() => page.getByTestId('patient-name').textContent()).toBe('Biscotti')
    expect(await page.locator('body').textContent()).toContain('Okonkwo-Baptiste')
  })

  it('shows a field error for a bad microchip and saves nothing', async () => {
    await page.getByRole('button', { name: 'Edit' }).click()
    await page.locator('input[name=microchip]').fill('12')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect.poll(() => page.getByText(/not a microchip number/).count()).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    await page.reload()
    await expect.poll(() => page.locator('body').textContent()).toContain('Microchip FDX-B 985 141 000 123 456')
  })

  it('finds the patient by the owner’s phone and by microchip', async () => {
    await page.getByRole('link', { name: 'Patients' }).click()
    const search = page.getByTestId('patient-search')
    await search.fill('555-7319')
    await expect.poll(() => page.getByTestId('patient-results').textContent()).toContain('Biscotti')
    await search.fill('985141000123456')
    await expect.poll(() => page.getByTestId('patient-results').textContent()).toContain('Okonkwo-Baptiste')
    await search.press('Enter')
    await expect.poll(() => page.getByTestId('patient-name').textContent()).toBe('Biscotti')
  })

  it('shows the patient’s audit entries', async () => {
    await page.getByRole('tab', { name: 'History' }).click()
    const table = page.getByTestId('audit-table')
    await expect.poll(() => table.textContent()).toContain('Registered Biscotti (canine) for Henrietta Okonkwo-Baptiste')
    expect(await table.textContent()).toContain('Priya Nair')
  })

  it('does not offer clinical notes to the front desk', async () => {
    await page.getByRole('tab', { name: 'Overview' }).click()
    await page.getByText('Clinical notes').waitFor()
    expect(await page.getByRole('button', { name: 'New note' }).count()).toBe(0)
  })

  it('verifies the audit chain from the Audit Log screen', async () => {
    await page.getByRole('link', { name: 'Audit Log' }).click()
    await page.getByTestId('audit-verify').click()
    await expect.poll(() => page.getByText('Audit log intact').count()).toBe(1)
    expect(await page.getByTestId('audit-table').textContent()).toContain('client.created')
  })

  it('tells the veterinarian live when a patient is checked in for them', async () => {
    // switch user: Dr. Chen signs in on the same workstation
    await page.getByTestId('account-menu').click()
    await page.getByRole('menuitem', { name: 'Switch user' }).click()
    await signInAs(/Sarah Chen/)
    const bell = page.getByTestId('notifications-bell')
    // another workstation (the API, as the renderer calls it) checks Biscotti in for Dr. Chen
    const call = async (method: string, body: unknown, bearer: string) =>
      ((await (await fetch(`${hub.url}api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` }, body: JSON.stringify(body) })).json()) as { result: any }).result
    const staff = await call('auth.staffList', {}, hub.token)
    const desk = (await call('auth.login', { staffId: staff.find((s: { displayName: string }) => s.displayName === 'Priya Nair').id, pin: '1234' }, hub.token)).token
    // Dr. Chen's unread count from the API: the bell may not have loaded yet, so it cannot be the baseline.
    const chen = (await call('auth.login', { staffId: staff.find((s: { displayName: string }) => s.displayName === 'Dr. Sarah Chen').id, pin: '1234' }, hub.token)).token
    const before = (await call('notifications.list', { unreadOnly: true }, chen)).length
    await expect.poll(async () => bell.getAttribute('aria-label')).toBe(`Notifications (${before} unread)`)
    const patient = (await call('patients.search', { query: '985141000123456' }, desk))[0]
    await call('visits.create', { patientId: patient.id, veterinarianId: staff.find((s: { displayName: string }) => s.displayName === 'Dr. Sarah Chen').id, reason: 'Cut paw pad', status: 'checked_in' }, desk)
    await expect.poll(async () => bell.getAttribute('aria-label'), { timeout: 5000 }).toBe(`Notifications (${before + 1} unread)`)
    await bell.click()
    await expect.poll(() => page.getByText('Biscotti is checked in').count()).toBeGreaterThan(0)
    expect(errors).toEqual([])
  })

  it('asks why an alert is resolved in its own modal (Electron has no window.prompt) and logs the reason', async () => {
    await page.keyboard.press('Escape')
    await page.getByRole('link', { name: 'Patients' }).click()
    await page.getByTestId('patient-search').fill('985141000123456')
    await expect.poll(() => page.getByTestId('patient-results').textContent()).toContain('Biscotti')
    await page.getByTestId('patient-search').press('Enter')
    await expect.poll(() => page.getByTestId('patient-name').textContent()).toBe('Biscotti')
    await page.getByRole('button', { name: 'Add alert' }).click()
    await page.getByPlaceholder('e.g. Penicillin allergy').fill('Penicillin allergy')
    await page.getByRole('button', { name: 'Save alert' }).click()
    const resolve = page.getByRole('button', { name: 'Resolve' })
    await resolve.waitFor()
    // cancelling resolves nothing
    await resolve.click()
    await page.getByTestId('prompt-cancel').click()
    await page.getByTestId('prompt-input').waitFor({ state: 'detached' })
    expect(await resolve.count()).toBe(1)
    // an empty reason is not accepted; a real one is
    await resolve.click()
    await page.getByTestId('prompt-ok').click()
    await expect.poll(() => page.getByRole('dialog').getByText('Required', { exact: true }).count()).toBe(1)
    await answerPrompt(page, 'Skin test negative')
    await expect.poll(() => resolve.count()).toBe(0)
    expect(await page.getByText('Penicillin allergy').count()).toBe(0)
    await page.getByRole('tab', { name: 'History' }).click()
    await expect.poll(() => page.getByTestId('audit-table').textContent()).toContain('Resolved alert "Penicillin allergy": Skin test negative')
    expect(errors).toEqual([])
  })

  it('keeps a sidebar click made the moment the patient list appears, on a slow workstation too', async () => {
    // An 8x slower CPU leaves time between the first paint and the effects that follow it.
    const slow = await openPage(browser, errors)
    const cdp = await slow.context().newCDPSession(slow)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 8 })
    await slow.goto(`${hub.url}?token=${hub.token}`)
    await signIn(slow, /Alex Morgan/)
    await slow.getByRole('link', { name: 'Integrations' }).click()
    await slow.getByTestId('integrations-table').waitFor()
    await new Promise((r) => setTimeout(r, 1500))
    expect(slow.url()).toContain('#/integrations')
    expect(await slow.getByTestId('integrations-table').isVisible()).toBe(true)
    await slow.close()
  }, 60_000)
})
