/**
 * Changing one integration leaves the others alone (issue 14, "no disruption"): while a reference
 * lab streams results over one MLLP connection and an analyzer runs samples over its own TCP link,
 * an administrator edits another lab's profile, disables and re-enables it, revokes and
 * re-approves it, adds a new lab, and moves a second analyzer's listener to another port. The
 * streaming lab's connection is never dropped and every message it sent is acknowledged and
 * stored; the analyzer's link is never re-established and every run is attached; the edited
 * profile takes effect at once, without a restart; only the moved listener moves.
 */
import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { makeApp, type TestApp } from '../helpers/app'
import { ackingLab, freePort, oru, REFLAB_PROFILE } from '../helpers/labs'
import { MllpFramer, frame, type MllpChunk } from '../../src-main/hl7/mllp'
import { until } from '../helpers/wait'
import { AnalyzerSimulator } from '../../src-main/simulators/analyzer'
import { TcpClientTransport } from '../../src-main/astm/transport'
import { Hl7Message } from '../../src-main/hl7/codec'

const TIMERS = { establishMs: 2000, frameAckMs: 2000, receiveMs: 3000, busyRetryMs: 200, contentionMs: 200 }
const ANALYZER_PROFILE = { ...REFLAB_PROFILE, labApplication: 'CHEMSIM', catalog: [{ code: 'CHEM10', name: 'Chemistry panel', kind: 'panel' as const }] }

describe('changing one integration while others stream', () => {
  let t: TestApp
  let lab: Awaited<ReturnType<typeof ackingLab>>
  let sim: AnalyzerSimulator
  let stream: Socket
  let channels = 0
  const acks: string[] = []
  let streamClosed = false
  const ids = { lakeside: '', reflab: '', chem: '', second: '' }
  let patientId = ''

  beforeAll(async () => {
    lab = await ackingLab()
    t = makeApp({ labs: { hl7: { host: '127.0.0.1', port: 0 }, astmTimers: TIMERS } })
    await t.app.start()
    t.signIn('admin')
    // The demo's own simulated lab and analyzer would answer to the same names; this test has its own.
    for (const i of t.call('integrations.list', {})) if (i.kind === 'reference_lab' || i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
    const approve = (id: string) => t.call('integrations.approve', { id, categories: ['patient_identity', 'lab_orders'] })
    ids.reflab = t.call('integrations.create', { kind: 'reference_lab', name: 'Streaming lab', config: { host: '127.0.0.1', port: 9, lab: REFLAB_PROFILE } }).id
    ids.lakeside = t.call('integrations.create', { kind: 'reference_lab', name: 'Lakeside lab', config: { host: '127.0.0.1', port: lab.port, retrySeconds: 1, lab: { ...REFLAB_PROFILE, labApplication: 'LAKESIDE', catalog: [{ code: 'CBC', name: 'Complete blood count', kind: 'panel' }] } } }).id
    ids.chem = t.call('integrations.create', { kind: 'analyzer', name: 'Chemistry analyzer', config: { listenPort: await freePort(), host: '127.0.0.1', lab: ANALYZER_PROFILE } }).id
    ids.second = t.call('integrations.create', { kind: 'analyzer', name: 'Hematology analyzer', config: { listenPort: await freePort(), host: '127.0.0.1', lab: { ...ANALYZER_PROFILE, labApplication: 'HEMSIM' } } }).id
    for (const id of Object.values(ids)) approve(id)

    const chemPort = t.call('integrations.list', {}).find((i) => i.id === ids.chem)!.config.listenPort!
    const transport = new TcpClientTransport('127.0.0.1', chemPort)
    transport.on('channel', () => channels++)
    sim = new AnalyzerSimulator({ transport, runAfter: 0.1, timers: TIMERS })
    await sim.start()
    await until(() => channels === 1, 10_000, 'the analyzer link')

    t.signIn('veterinarian')
    const c = t.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
    patientId = t.call('patients.create', { clientId: c.id, name: 'Crouton', species: 'feline', sex: 'male', neuterStatus: 'neutered' }).id

    // One MLLP connection the streaming lab keeps open for all its results.
    stream = connect({ host: '127.0.0.1', port: t.app.services.labs.listener!.port })
    const framer = new MllpFramer()
    stream.pipe(framer)
    framer.on('data', (ch: MllpChunk) => {
      if (ch.kind === 'message') acks.push(Hl7Message.parse(ch.data.toString()).segments.find((s) => s.name === 'MSA')!.get(1))
    })
    stream.on('close', () => (streamClosed = true))
    await new Promise((r) => stream.once('connect', r))
  }, 60_000)

  afterAll(async () => {
    stream?.destroy()
    await sim?.stop()
    await t?.close()
    lab?.server.close()
  })

  it('keeps every other link up and loses nothing while one lab is edited, paused, re-approved and a listener moves', async () => {
    const STREAMED = 60
    let sent = 0
    const streaming = (async () => {
      for (; sent < STREAMED; sent++) {
        stream.write(frame(oru({ controlId: `S${sent}`, owner: 'Baptiste', pet: 'Crouton', filler: `F-S${sent}` })))
        await new Promise((r) => setTimeout(r, 40))
      }
    })()
    const analyzerOrders: string[] = []
    const vet = () => t.signIn('veterinarian')

    // The analyzer runs samples all along.
    vet()
    analyzerOrders.push(t.call('labs.placeOrder', { patientId, integrationId: ids.chem, tests: ['CHEM10'] }).orderNumber)

    // 1. Lakeside's profile gains a test: orderable at once, no restart.
    t.signIn('admin')
    const lakeside = t.call('integrations.list', {}).find((i) => i.id === ids.lakeside)!
    t.call('integrations.update', { id: ids.lakeside, config: { ...lakeside.config, lab: { ...lakeside.config.lab!, catalog: [...lakeside.config.lab!.catalog, { code: 'T4', name: 'Total T4', kind: 'test' }] } } })
    vet()
    expect(t.call('labs.catalog', {}).find((c) => c.integrationId === ids.lakeside)!.tests.map((x) => x.code)).toEqual(['CBC', 'T4'])
    const t4 = t.call('labs.placeOrder', { patientId, integrationId: ids.lakeside, tests: ['T4'] })
    await until(() => lab.received.some((m) => m.includes(t4.orderNumber)), 15_000, 'the T4 order at Lakeside')
    analyzerOrders.push(t.call('labs.placeOrder', { patientId, integrationId: ids.chem, tests: ['CHEM10'] }).orderNumber)

    // 2. Lakeside disabled and enabled again; 3. revoked and approved again.
    t.signIn('admin')
    t.call('integrations.update', { id: ids.lakeside, enabled: false })
    t.call('integrations.update', { id: ids.lakeside, enabled: true })
    t.call('integrations.revoke', { id: ids.lakeside, reason: 'checking the contract' })
    t.call('integrations.approve', { id: ids.lakeside, categories: ['patient_identity', 'lab_orders'] })
    // 4. A new lab is added.
    t.call('integrations.create', { kind: 'reference_lab', name: 'Hillside lab', config: { host: '127.0.0.1', port: 9, lab: { ...REFLAB_PROFILE, labApplication: 'HILLSIDE' } } })
    // 5. The second analyzer's listener moves.
    const second = t.call('integrations.list', {}).find((i) => i.id === ids.second)!
    const oldPort = second.config.listenPort!
    const newPort = await freePort()
    t.call('integrations.update', { id: ids.second, config: { ...second.config, listenPort: newPort } })
    const reachable = (port: number) => new Promise<boolean>((r) => connect({ host: '127.0.0.1', port }).once('connect', function (this: Socket) { this.destroy(); r(true) }).once('error', () => r(false)))
    await expect.poll(() => reachable(newPort), { timeout: 10_000 }).toBe(true)
    await expect.poll(() => reachable(oldPort), { timeout: 10_000 }).toBe(false)
    vet()
    analyzerOrders.push(t.call('labs.placeOrder', { patientId, integrationId: ids.chem, tests: ['CHEM10'] }).orderNumber)

    await streaming
    await until(() => acks.length === STREAMED, 30_000, 'every streamed result acknowledged')
    expect(acks.every((a) => a === 'AA')).toBe(true)
    expect(streamClosed).toBe(false)
    const stored = t.app.core.store.sqlite.prepare("SELECT count(*) FROM inbound_messages WHERE transport = 'mllp' AND integration_id = ? AND status IN ('processed', 'review')").pluck().get(ids.reflab) as number
    expect(stored).toBe(STREAMED)

    await until(() => analyzerOrders.every((n) => sim.sent.some((run) => run.some((r) => r.includes(n)))), 30_000, 'every analyzer run sent')
    await until(() => analyzerOrders.every((n) => t.call('labs.results', { patientId }).some((r) => r.orderNumber === n)), 30_000, 'every analyzer run attached')
    // The analyzer's one link was never dropped and re-established.
    expect(channels).toBe(1)
  }, 120_000)
})
