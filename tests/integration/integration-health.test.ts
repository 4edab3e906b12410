/**
 * Integration health as the front desk reads it (issue 14): a lab whose system is down is
 * "failing" with the messages waiting and what to do, and raises one notification however many
 * orders pile up; once the lab answers it is working again, naming when it last sent; a new
 * failure after that is a new episode with its own notification. Off and unapproved say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ackingLab, freePort, labApp } from '../helpers/labs'
import { until } from '../helpers/wait'

describe('integration health', () => {
  let t: Awaited<ReturnType<typeof labApp>>
  let labPort: number
  let patientId: string
  beforeAll(async () => {
    labPort = await freePort()
    t = await labApp(labPort, { retrySeconds: 1 })
    const c = t.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
    patientId = t.call('patients.create', { clientId: c.id, name: 'Crouton', species: 'feline', sex: 'male', neuterStatus: 'neutered' }).id
  }, 60_000)
  afterAll(() => t?.close())

  const health = () => t.call('integrations.health', {}).find((h) => h.integrationId === t.labId)!
  const failingNotes = () => t.app.core.store.sqlite.prepare("SELECT title, body FROM notifications WHERE kind = 'integration.failing' AND title LIKE 'Test Reference Lab %' ORDER BY created_at").all() as { title: string; body: string }[]

  it('says a lab that does not answer is failing, with what waits and what to do, and notifies once', async () => {
    for (let i = 0; i < 5; i++) t.call('labs.placeOrder', { patientId, integrationId: t.labId, tests: ['CBC'] })
    await until(() => health().level === 'failing' && health().waiting === 5, 20_000, 'the lab to count as failing with 5 waiting')
    const h = health()
    expect(h.headline).toMatch(/^5 messages are waiting to be delivered since .+\. Last try: cannot reach 127\.0\.0\.1:\d+/)
    expect(h.advice).toMatch(/lab’s system may be down/)
    // More failed attempts (the queue retries every few seconds) add no notification.
    await until(() => (t.app.core.store.sqlite.prepare('SELECT max(attempts) FROM outbound_messages WHERE integration_id = ?').pluck().get(t.labId) as number) >= 2, 20_000, 'a second attempt')
    t.app.services.health.check()
    expect(failingNotes()).toEqual([{ title: 'Test Reference Lab is not working', body: expect.stringMatching(/^5 messages are waiting .* Call the lab or VetOS support/) }])
  }, 60_000)

  it('is working again once the lab answers, naming when it last sent; a new failure notifies again', async () => {
    const lab = await ackingLab(labPort)
    try {
      await until(() => lab.received.length === 5, 30_000, 'the five orders delivered')
      await until(() => health().level === 'ok', 10_000, 'the lab working again')
      expect(health()).toMatchObject({ waiting: 0, lastSentAt: expect.any(String), headline: expect.stringMatching(/^Working: last sent /) })
    } finally {
      await lab.close()
    }
    t.call('labs.placeOrder', { patientId, integrationId: t.labId, tests: ['CBC'] })
    await until(() => failingNotes().length === 2, 20_000, 'a second notification for the new failure')
    expect(health().headline).toMatch(/^1 message is waiting/)
  }, 60_000)

  it('notifies a link down with nothing waiting only once it has lasted five minutes', () => {
    const analyzer = t.call('integrations.health', {}).find((h) => h.headline.includes('127.0.0.1:5001'))!
    expect(analyzer).toMatchObject({ level: 'failing', waiting: 0 })
    const notes = () => t.app.core.store.sqlite.prepare("SELECT count(*) FROM notifications WHERE kind = 'integration.failing' AND body LIKE '%127.0.0.1:5001%'").pluck().get()
    const now = Date.now()
    t.app.services.health.check(now)
    expect(notes()).toBe(0)
    t.app.services.health.check(now + 6 * 60_000)
    t.app.services.health.check(now + 7 * 60_000)
    expect(notes()).toBe(1)
  })

  it('says when an integration is off or not approved', () => {
    t.signIn('admin')
    t.call('integrations.revoke', { id: t.labId, reason: 'contract ended' })
    expect(health()).toMatchObject({ level: 'failing' }) // the waiting order is still undelivered
    const other = t.call('integrations.create', { kind: 'reference_lab', name: 'Hillside lab', config: { host: '127.0.0.1', port: 9 } })
    expect(t.call('integrations.health', {}).find((h) => h.integrationId === other.id)).toMatchObject({ level: 'attention', headline: 'Not approved: VetOS sends it nothing.' })
    t.call('integrations.update', { id: other.id, enabled: false })
    expect(t.call('integrations.health', {}).find((h) => h.integrationId === other.id)).toMatchObject({ level: 'off', headline: 'Turned off: nothing is sent or received.' })
  })

  it('does not call a link "Working" on a workstation that does not run it', () => {
    t.signIn('admin')
    const healthOf = (id: string) => t.call('integrations.health', {}).find((h) => h.integrationId === id)!
    // The lab room's PC runs this lab's connection: orders placed here go from there.
    const hosted = t.call('integrations.create', { kind: 'reference_lab', name: 'Lab room lab', config: { host: '127.0.0.1', port: 9, workstationId: 'lab-room-device', workstationName: 'Lab room PC' } })
    t.call('integrations.approve', { id: hosted.id, categories: ['patient_identity', 'lab_orders'] })
    expect(healthOf(hosted.id)).toMatchObject({ level: 'ok', headline: expect.stringMatching(/^Runs on Lab room PC: orders placed here are sent from there/) })
    // No DICOM node runs here: a modality's images cannot arrive at this workstation.
    const xray = t.call('integrations.create', { kind: 'imaging', name: 'X-ray room', config: { aeTitle: 'XRAY1', host: '127.0.0.1', port: 104 } })
    t.call('integrations.approve', { id: xray.id, categories: ['patient_identity', 'imaging'] })
    expect(healthOf(xray.id)).toMatchObject({ headline: 'Not received on this workstation: VetOS here does not listen for images.', advice: expect.stringMatching(/--dicom-port/) })
    expect(healthOf(xray.id).headline).not.toMatch(/Working/)
  })
})
