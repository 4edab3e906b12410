/**
 * Every data send path (src-main/consent/send-paths.ts) with approval withdrawn at the last moment:
 * nothing of the patient leaves, and the refusal is in the audit log as outbound. Real peers: an
 * independent HL7 library as the lab, the analyzer simulator over TCP, DCMTK's findscu.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import hl7 from 'simple-hl7'
import { labApp, freePort, REFLAB_PROFILE } from '../helpers/labs'
import { makeApp, type TestApp } from '../helpers/app'
import { AnalyzerSimulator } from '../../src-main/simulators/analyzer'
import { TcpClientTransport } from '../../src-main/astm/transport'
import type { LinkTimers } from '../../src-main/astm/link'
import { until } from '../helpers/wait'

const refusals = (t: TestApp, integrationId: string | null) => t.call('audit.list', { limit: 200 }).filter((e) => e.action === 'outbound.refused' && e.direction === 'outbound' && (integrationId === null || e.integrationId === integrationId))

describe('a queued HL7 order when approval changes while it waits', () => {
  let t: Awaited<ReturnType<typeof labApp>> | null = null
  let server: { stop(): void } | null = null
  afterEach(async () => {
    server?.stop()
    await t?.close()
  })

  it('is checked again for every category it carries when it finally goes: without patient identity, nothing leaves', async () => {
    const port = await freePort()
    t = await labApp(port) // the lab is down: the order waits in the queue
    const c = t.call('clients.create', { firstName: 'Rosa', lastName: 'Delgado', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Canela', species: 'canine', sex: 'female', neuterStatus: 'intact' })
    const order = t.call('labs.placeOrder', { patientId: p.id, integrationId: t.labId, tests: ['CBC'], priority: 'routine' })
    await until(() => t!.call('labs.orders', { patientId: p.id })[0].timeline.some((e) => e.status === 'waiting'), 10_000, 'waiting')
    const admin = t.signIn('admin')
    t.call('integrations.approve', { id: t.labId, categories: ['lab_orders'] }, admin) // patient identity withdrawn
    const received: string[] = []
    const lab = hl7.tcp()
    lab.use((req, res) => {
      received.push(req.raw)
      res.end()
    })
    lab.start(port)
    server = lab
    await until(() => t!.call('labs.orders', { patientId: p.id })[0].status === 'error', 15_000, 'order refused')
    expect(received).toEqual([])
    expect(t.call('labs.orders', { patientId: p.id })[0].statusDetail).toMatch(/not approved for: patient_identity/)
    expect(refusals(t, t.labId).length).toBeGreaterThan(0)
    // Approved again, a resubmission goes out.
    t.call('integrations.approve', { id: t.labId, categories: ['patient_identity', 'lab_orders'] }, admin)
    t.call('labs.resubmitOrder', { orderId: order.id }, t.vetToken)
    await until(() => received.length === 1, 15_000, 'resubmitted order received')
  })
})

const TIMERS: Partial<LinkTimers> = { establishMs: 2000, frameAckMs: 2000, receiveMs: 3000, busyRetryMs: 200, contentionMs: 200 }

describe('an analyzer whose approval is withdrawn', () => {
  let t: TestApp | null = null
  let sim: AnalyzerSimulator | null = null
  afterEach(async () => {
    await sim?.stop()
    await t?.close()
  })

  it('gets neither the order list nor an answer to its host query, and the refusals are audited as outbound', async () => {
    const port = await freePort()
    t = makeApp({ labs: { analyzer: { listen: { host: '127.0.0.1', port } }, astmTimers: TIMERS } })
    const admin = t.signIn('admin')
    for (const i of t.call('integrations.list', {})) if (i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
    const a = t.call('integrations.create', { kind: 'analyzer', name: 'Chemistry analyzer', config: { lab: REFLAB_PROFILE } })
    t.call('integrations.approve', { id: a.id, categories: ['patient_identity', 'lab_orders'] })
    await t.app.start()
    const vet = t.signIn('veterinarian')
    const c = t.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Crouton', species: 'feline', sex: 'male', neuterStatus: 'neutered' })
    const first = t.call('labs.placeOrder', { patientId: p.id, integrationId: a.id, tests: ['T4'], priority: 'routine' })
    sim = new AnalyzerSimulator({ transport: new TcpClientTransport('127.0.0.1', port), runAfter: 60, timers: TIMERS })
    await sim.start()
    await until(() => sim!.orders.some((o) => o.sampleId === first.orderNumber), 10_000, 'first order delivered')
    // Approved, a host query is answered with the patient's P record, audited as outbound.
    const answered = sim.orders.length
    await sim.hostQuery(first.orderNumber)
    await until(() => sim!.orders.length > answered, 10_000, 'query answered')
    expect(t.call('audit.list', { limit: 50 }, admin).some((e) => e.action === 'astm.query.answered' && e.direction === 'outbound')).toBe(true)

    // Withdrawn while a second order waits for the link.
    await sim.stop()
    sim = null
    const second = t.call('labs.placeOrder', { patientId: p.id, integrationId: a.id, tests: ['T4'], priority: 'routine' }, vet)
    t.call('integrations.revoke', { id: a.id, reason: 'Analyzer returned to the vendor' }, admin)
    sim = new AnalyzerSimulator({ transport: new TcpClientTransport('127.0.0.1', port), runAfter: 60, timers: TIMERS })
    await sim.start()
    await until(() => t!.call('labs.orders', { patientId: p.id }, vet).find((o) => o.id === second.id)!.status === 'error', 15_000, 'queued order refused')
    await until(() => sim!.connected, 10_000, 'analyzer connected again')
    await sim.hostQuery(first.orderNumber)
    await until(() => t!.call('audit.list', { limit: 50 }, admin).some((e) => e.action === 'outbound.refused' && /host query/.test(e.summary)), 10_000, 'query refusal audited')
    expect(sim.orders.map((o) => o.sampleId)).not.toContain(second.orderNumber)
    expect(sim.orders).toHaveLength(0)
  })
})

/** Runs DCMTK's findscu; resolves with its output, never rejects. */
function findscu(aet: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    execFile('findscu', ['-v', '-W', '-aec', 'VETOS', '-aet', aet, '-k', 'PatientName', '-k', 'AccessionNumber', '127.0.0.1', String(port)], { timeout: 30_000 }, (_e, out, err) => resolve(`${out}${err}`))
  })
}

describe('the Modality Worklist in the demo clinic (this machine may call any AE title)', () => {
  let t: TestApp | null = null
  afterEach(() => t?.close())

  it('answers only the configured, approved modality, and stops when its approval is revoked', async () => {
    t = makeApp({ imaging: { dicom: { host: '127.0.0.1', port: 0, aeTitle: 'VETOS', acceptLoopback: true } } })
    await t.app.start()
    const port = t.app.services.imaging.node!.port!
    const admin = t.signIn('admin')
    const room = t.call('integrations.list', {}).find((i) => i.kind === 'imaging')!
    const waiting = t.app.services.imaging.requests.scheduled({})[0].accessionNumber
    expect(await findscu(room.config.aeTitle!, port)).toContain(waiting)
    const stranger = await findscu('LAPTOP', port)
    expect(stranger).not.toContain(waiting)
    expect(stranger).toMatch(/UnableToProcess/)
    t.call('integrations.revoke', { id: room.id, reason: 'Room decommissioned' }, admin)
    const revoked = await findscu(room.config.aeTitle!, port)
    expect(revoked).not.toContain(waiting)
    expect(refusals(t, null).map((e) => e.summary).join('\n')).toMatch(/LAPTOP/)
    expect(refusals(t, room.id).length).toBeGreaterThan(0)
  })
})
