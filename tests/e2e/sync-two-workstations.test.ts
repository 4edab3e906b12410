/**
 * Two workstations of one clinic as real hub processes, joined to the central server on real
 * PostgreSQL: a lab result that arrives at the lab-room workstation (its HL7 listener) appears on
 * the exam-room workstation's patient page in Chromium, by sync alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rmSync } from 'node:fs'
import type { Browser, Page } from 'playwright-core'
import { api, hl7PortOf, startHubProcess, type RunningHub } from '../helpers/hub'
import { launchBrowser, openPage, signIn } from '../helpers/browser'
import { exchange, oru, REFLAB_PROFILE } from '../helpers/labs'
import { frame } from '../../src-main/hl7/mllp'
import { tempDir } from '../helpers/app'
import { hubAdmin, syncedClinic, type SyncedClinic } from '../helpers/sync'

describe('a lab result received on one workstation, seen on another', () => {
  let clinic: SyncedClinic
  let labRoom: RunningHub
  let examRoom: RunningHub
  let browser: Browser
  let page: Page
  const dirs = [tempDir('vetos-lab-room-'), tempDir('vetos-exam-room-')]
  const errors: string[] = []

  beforeAll(async () => {
    clinic = await syncedClinic(5000)
    const join = clinic.joinFlags
    ;[labRoom, examRoom] = await Promise.all([startHubProcess(['--data-dir', dirs[0], ...join, '--hl7-host', '127.0.0.1', '--hl7-port', '0']), startHubProcess(['--data-dir', dirs[1], ...join])])
    browser = await launchBrowser()
    page = await openPage(browser, errors, 20_000)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await labRoom?.stop()
    await examRoom?.stop()
    await clinic?.close()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('shows the lab room’s result on the exam room’s patient page', async () => {
    const token = await hubAdmin(labRoom, clinic.adminPin)
    const call = async (method: string, input: unknown) => {
      const r = await api(labRoom, method, input, token)
      if (!r.json.ok) throw new Error(`${method}: ${r.json.error.message}`)
      return r.json.result
    }
    const lab = await call('integrations.create', { kind: 'reference_lab', name: 'Reference lab', config: { host: '127.0.0.1', port: 9, lab: REFLAB_PROFILE } })
    await call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
    const client = await call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const patient = await call('patients.create', { clientId: client.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered', dateOfBirth: '2019-04-02' })
    const order = await call('labs.placeOrder', { patientId: patient.id, integrationId: lab.id, tests: ['CBC'], priority: 'routine' })
    const [ack] = await exchange(hl7PortOf(labRoom), [frame(oru({ controlId: 'SYNC-1', orderNumber: order.orderNumber, owner: 'Quintana', pet: 'Pimienta', patientId: patient.id, sex: 'FS' }))])
    expect(ack.segment('MSA')!.get(1)).toBe('AA')

    await page.goto(`${examRoom.url}?token=${examRoom.token}`)
    await signIn(page, /Administrator/, clinic.adminPin)
    await page.getByRole('link', { name: 'Patients' }).click()
    await page.getByTestId('patient-search').fill('pimienta')
    await page.getByTestId('patient-results').locator('tbody tr', { hasText: 'Pimienta' }).first().click()
    await page.getByRole('tab', { name: 'Lab Orders' }).click()
    await expect.poll(() => page.getByTestId('lab-values').first().textContent(), { timeout: 20_000 }).toContain('Hematocrit')
  }, 90_000)

  it('moves the lab’s connection to the lab room from the exam room’s Integrations screen', async () => {
    const labRoomId = (await api(labRoom, 'app.info', {}, labRoom.token)).json.result.deviceId as string
    await page.getByRole('link', { name: /^Integrations/ }).click()
    await page.getByTestId('integrations-table').locator('tr', { hasText: 'Reference lab' }).getByRole('button', { name: 'Configure' }).click()
    const dialog = page.getByRole('dialog')
    const host = dialog.getByTestId('integration-host')
    // Both hubs enrolled under this machine's name: the exam room is the one marked.
    await host.click()
    const options = page.getByRole('option')
    await expect.poll(() => options.count(), { timeout: 20_000 }).toBe(2)
    await options.filter({ hasNotText: 'this workstation' }).click()
    await dialog.getByRole('button', { name: 'Save' }).click()
    await dialog.waitFor({ state: 'detached' })
    // The record syncs to the lab room, which now runs the connection.
    const token = await hubAdmin(labRoom, clinic.adminPin)
    await expect
      .poll(async () => ((await api(labRoom, 'integrations.list', {}, token)).json.result as { name: string; config: { workstationId?: string } }[]).find((i) => i.name === 'Reference lab')?.config.workstationId, { timeout: 20_000 })
      .toBe(labRoomId)
    expect(errors).toEqual([])
  }, 60_000)
})
