/**
 * A new workstation's first start in Chromium (a hub started with --setup, as the desktop app
 * starts on a new data folder): it joins its clinic with the server's address and an enrollment
 * code (a wrong code is refused in the server's words, and the person can try again), receives
 * the clinic and signs in; another starts a new clinic of its own and is shown its PIN once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { api, startHubProcess, type RunningHub } from '../helpers/hub'
import { launchBrowser, openPage, signIn } from '../helpers/browser'
import { tempDir } from '../helpers/app'
import { syncedClinic, type SyncedClinic } from '../helpers/sync'

describe('a new workstation’s first start', () => {
  let clinic: SyncedClinic
  let joining: RunningHub
  let alone: RunningHub
  let browser: Browser
  let page: Page
  const dirs = [tempDir('vetos-firstrun-'), tempDir('vetos-alone-')]
  const errors: string[] = []

  beforeAll(async () => {
    clinic = await syncedClinic(5000)
    ;[joining, alone] = await Promise.all([startHubProcess(['--data-dir', dirs[0], '--setup']), startHubProcess(['--data-dir', dirs[1], '--setup'])])
    browser = await launchBrowser()
    page = await openPage(browser, errors, 20_000)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await joining?.stop()
    await alone?.stop()
    await clinic?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('asks before anything else, and answers nothing else until chosen', async () => {
    expect(joining.output()).toContain('join your clinic or start a new one')
    const staff = await api(joining, 'auth.staffList', {}, joining.token)
    expect(staff.json.error.message).toContain('not set up yet')
  })

  it('joins the clinic with its server address and enrollment code, then signs in as its administrator', async () => {
    await page.goto(`${joining.url}?token=${joining.token}`)
    const form = page.getByTestId('first-run-join')
    await expect.poll(() => page.getByRole('heading', { name: 'Welcome to VetOS' }).isVisible()).toBe(true)
    await form.getByLabel('Clinic server address').fill('not an address')
    await form.getByLabel('Enrollment code').fill('WRONG-CODE')
    await form.getByLabel('This workstation’s name').fill('Exam room 2')
    await form.getByRole('button', { name: 'Join the clinic' }).click()
    await expect.poll(() => form.textContent()).toContain('Type the server’s address as your administrator gave it')

    await form.getByLabel('Clinic server address').fill(clinic.server.url)
    await form.getByRole('button', { name: 'Join the clinic' }).click()
    await expect.poll(() => form.getByRole('alert').textContent()).toContain('refused the enrollment code')
    await page.screenshot({ path: '/tmp/vetos-first-run-refused.png' })

    await form.getByLabel('Enrollment code').fill(clinic.code)
    await form.getByRole('button', { name: 'Join the clinic' }).click()
    // Joined: the window starts over at sign-in, where the clinic arrives by sync.
    await expect.poll(() => page.getByText('Riverside').isVisible(), { timeout: 30_000 }).toBe(true)
    await expect.poll(async () => (await page.getByTestId('signin-staff').isVisible()) && (await page.getByTestId('first-sync').count()) === 0, { timeout: 30_000 }).toBe(true)
    await signIn(page, /Administrator/, clinic.adminPin)
    await expect.poll(() => page.getByRole('link', { name: /^Settings/ }).isVisible()).toBe(true)
    const devices = await clinic.server.db.query<{ name: string }>('SELECT name FROM sync_device WHERE clinic_id = $1', [clinic.clinicId])
    expect(devices.map((d) => d.name)).toContain('Exam room 2')
    // Setting up again is refused now that it belongs to a clinic.
    expect((await api(joining, 'setup.startNew', {}, joining.token)).json.error.code).toBe('conflict')
  }, 90_000)

  it('starts a new clinic of its own and shows the administrator’s PIN once', async () => {
    await page.goto(`${alone.url}?token=${alone.token}`)
    await page.getByRole('button', { name: 'Start a new clinic' }).click()
    const pin = (await page.getByTestId('first-run-pin').textContent())!.trim()
    expect(pin).toMatch(/^\d{6}$/)
    await page.screenshot({ path: '/tmp/vetos-first-run-pin.png' })
    await page.getByRole('button', { name: 'Continue to sign in' }).click()
    await signIn(page, /Administrator/, pin)
    await expect.poll(() => page.getByRole('link', { name: /^Settings/ }).isVisible()).toBe(true)
    expect((await api(alone, 'setup.state', {}, alone.token)).json.result).toEqual({ step: 'ready', error: null })
    expect(errors).toEqual([])
  }, 60_000)
})
