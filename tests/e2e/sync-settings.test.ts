/**
 * Settings → Workstations in Chromium, on two hub processes joined to the central server (real
 * PostgreSQL): the administrator at the front desk sees both workstations, this one marked, and
 * revokes the other through the app's own modal with their PIN; the exam room then says why it
 * is offline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { api, startHubProcess, type RunningHub } from '../helpers/hub'
import { launchBrowser, openPage, signIn } from '../helpers/browser'
import { tempDir } from '../helpers/app'
import { hubAdmin, syncedClinic, type SyncedClinic } from '../helpers/sync'

describe("the clinic's workstations in Settings", () => {
  let clinic: SyncedClinic
  let front: RunningHub
  let exam: RunningHub
  let browser: Browser
  let page: Page
  const dirs = [tempDir('vetos-front-'), tempDir('vetos-exam-')]
  const errors: string[] = []

  beforeAll(async () => {
    clinic = await syncedClinic(5000)
    const join = clinic.joinFlags
    ;[front, exam] = await Promise.all([startHubProcess(['--data-dir', dirs[0], ...join]), startHubProcess(['--data-dir', dirs[1], ...join])])
    browser = await launchBrowser()
    page = await openPage(browser, errors, 20_000)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await front?.stop()
    await exam?.stop()
    await clinic?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('lists both workstations, this one marked, and revokes the other with the administrator’s PIN', async () => {
    // Staff arrive by sync: wait for them on the front desk before the sign-in screen lists them.
    await hubAdmin(front, clinic.adminPin)
    const examToken = await hubAdmin(exam, clinic.adminPin)

    await page.goto(`${front.url}?token=${front.token}`)
    await signIn(page, /Administrator/, clinic.adminPin)
    await page.getByRole('link', { name: /^Settings/ }).click()
    const panel = page.getByTestId('workstations')
    const rows = panel.getByTestId('workstation-row')
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2)
    // Both hubs enrolled under this machine's name: they differ by the mark and the button.
    await expect.poll(() => rows.filter({ hasText: 'this workstation' }).count()).toBe(1)
    const other = rows.filter({ hasNotText: 'this workstation' })
    expect(await other.textContent()).toMatch(/just now|min ago/)

    await other.getByRole('button', { name: 'Revoke' }).click()
    const modal = page.getByRole('dialog')
    await modal.getByLabel('Reason').fill('Exam room laptop replaced')
    await modal.getByLabel('Your PIN').fill(clinic.adminPin)
    await modal.getByRole('button', { name: 'Revoke' }).click()
    await modal.waitFor({ state: 'detached' })
    await expect.poll(() => other.textContent(), { timeout: 20_000 }).toContain('Exam room laptop replaced')
    expect(await other.textContent()).toContain('by Administrator')

    await expect
      .poll(async () => (await api(exam, 'sync.status', {}, examToken)).json.result?.detail, { timeout: 20_000 })
      .toBe("this workstation's access to the clinic server was revoked")
    expect(errors).toEqual([])
  }, 90_000)
})
