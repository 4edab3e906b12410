import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SerialPort } from 'serialport'
import { SerialPair } from '../helpers/socat'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { freePort, REFLAB_PROFILE } from '../helpers/labs'
import { AnalyzerSimulator } from '../../src-main/simulators/analyzer'
import { SerialTransport, TcpClientTransport, TcpServerTransport } from '../../src-main/astm/transport'
import { ACK, ENQ, EOT, NAK, buildFrame, toFrames } from '../../src-main/astm/frames'
import type { LinkTimers } from '../../src-main/astm/link'
import type { LabsConfig } from '../../src-main/labs'
import { until } from '../helpers/wait'

const TIMERS: Partial<LinkTimers> = { establishMs: 2000, frameAckMs: 2000, receiveMs: 3000, busyRetryMs: 200, contentionMs: 200 }
const ANALYZER_PROFILE = {
  ...REFLAB_PROFILE,
  catalog: [{ code: 'CHEM10', name: 'Chemistry panel', kind: 'panel' as const }, { code: 'T4', name: 'Total T4', kind: 'test' as const }],
  codeMap: { CREA: { code: 'CREA', name: 'Creatinine' } }
}

/** A demo app whose (only) analyzer is reached as the override says. */
async function analyzerApp(analyzer: LabsConfig['analyzer']) {
  const t = makeApp({ labs: { analyzer, astmTimers: TIMERS } })
  t.signIn('admin')
  for (const i of t.call('integrations.list', {})) if (i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
  const a = t.call('integrations.create', { kind: 'analyzer', name: 'Chemistry analyzer', config: { lab: ANALYZER_PROFILE } })
  t.call('integrations.approve', { id: a.id, categories: ['patient_identity', 'lab_orders'] })
  await t.app.start()
  t.signIn('veterinarian')
  const c = t.call('clients.create', { firstName: 'Iris', lastName: 'Baptiste', phones: [] })
  const p = t.call('patients.create', { clientId: c.id, name: 'Crouton', species: 'feline', sex: 'male', neuterStatus: 'neutered' })
  const status = () => t.call('integrations.list', {}).find((i) => i.id === a.id)!.status
  return Object.assign(t, { analyzerId: a.id, patientId: p.id, status })
}

describe('in-house analyzer over RS-232 (socat serial pair, real serialport)', () => {
  let cable: SerialPair
  let t: Awaited<ReturnType<typeof analyzerApp>>
  let sim: AnalyzerSimulator | null = null
  beforeEach(async () => {
    cable = new SerialPair(tempDir('vetos-serial-'))
    await cable.start()
    t = await analyzerApp({ serial: { path: cable.a, baudRate: 9600 } })
  })
  afterEach(async () => {
    await sim?.stop()
    sim = null
    await (t as TestApp).close()
    await cable.stop()
  })

  it('sends the order list, receives the run and attaches it to the order', async () => {
    sim = new AnalyzerSimulator({ transport: new SerialTransport(cable.b, 9600), runAfter: 0.2, timers: TIMERS })
    await sim.start()
    await until(() => t.status().state === 'connected', 5000, 'serial connected')
    const order = t.call('labs.placeOrder', { patientId: t.patientId, integrationId: t.analyzerId, tests: ['CHEM10'] })
    await until(() => sim!.orders.length === 1, 10_000, 'order list at the analyzer')
    expect(sim.orders[0]).toMatchObject({ sampleId: order.orderNumber, tests: ['CHEM10'], pet: 'Crouton', owner: 'Baptiste' })
    await until(() => t.call('labs.results', { patientId: t.patientId }).length === 1, 10_000, 'results attached')
    const [report] = t.call('labs.results', { patientId: t.patientId })
    expect(report).toMatchObject({ orderNumber: order.orderNumber, attachedAutomatically: true })
    expect(report.observations.map((o) => o.code)).toContain('CREA')
    expect(report.observations.find((o) => o.code === 'CREA')!.name).toBe('Creatinine')
  })

  it('NAKs a frame with a wrong checksum, accepts the retransmission, and stores the result once', async () => {
    await until(() => t.status().state === 'connected', 5000, 'serial connected')
    const port = new SerialPort({ path: cable.b, baudRate: 9600 })
    await new Promise((r) => port.once('open', r))
    const got: number[] = []
    port.on('data', (b: Buffer) => got.push(...b))
    const nextReply = async () => {
      const n = got.length
      await until(() => got.length > n, 3000, 'a reply')
      return got[got.length - 1]
    }
    const frames = toFrames(['H|\\^&|||VS2', `P|1|${t.patientId}|||Baptiste^Crouton`, 'O|1|UNKNOWN-7||^^^T4', 'R|1|^^^T4|2.4|ug/dL|1.0-4.0|N||F', 'L|1|N'])
    port.write(Buffer.of(ENQ))
    expect(await nextReply()).toBe(ACK)
    for (const [i, f] of frames.entries()) {
      if (i === 2) {
        const bad = Buffer.from(f)
        bad[bad.length - 3] = bad[bad.length - 3] === 0x30 ? 0x31 : 0x30 // wrong checksum digit
        port.write(bad)
        expect(await nextReply()).toBe(NAK)
      }
      if (i === 3) {
        port.write(buildFrame(7, Buffer.from('R|1|^^^X|1\r'), true)) // wrong frame number
        expect(await nextReply()).toBe(NAK)
      }
      port.write(f)
      expect(await nextReply()).toBe(ACK)
    }
    port.write(Buffer.of(EOT))
    await until(() => t.call('labs.reviewQueue', {}).length === 1, 5000, 'the result in review')
    const [item] = t.call('labs.reviewQueue', {})
    expect(item.reasons).toEqual(['order number UNKNOWN-7 is not one of ours'])
    expect(item.candidates[0].patientId).toBe(t.patientId)
    // The same transmission again (the analyzer never heard our last ACK): nothing twice.
    port.write(Buffer.of(ENQ))
    await nextReply()
    for (const f of frames) {
      port.write(f)
      await nextReply()
    }
    port.write(Buffer.of(EOT))
    await until(() => t.call('integrations.messages', { direction: 'inbound', integrationId: t.analyzerId }).some((m) => m.status === 'duplicate'), 5000, 'the duplicate logged')
    expect(t.call('labs.reviewQueue', {})).toHaveLength(1)
    await new Promise<void>((r) => port.close(() => r()))
  })

  it('recovers by itself when the serial device disappears and returns, and shows it', async () => {
    await until(() => t.status().state === 'connected', 5000, 'serial connected')
    await cable.stop()
    await until(() => t.status().state === 'error', 5000, 'error shown')
    expect(t.status().detail).toMatch(/disappeared|retrying/)
    await cable.start()
    await until(() => t.status().state === 'connected', 10_000, 'reconnected')
    sim = new AnalyzerSimulator({ transport: new SerialTransport(cable.b, 9600), runAfter: 0.1, timers: TIMERS })
    await sim.start()
    await until(() => sim!.connected, 5000, 'simulator connected')
    await sim.runUnordered('Crouton', 'Baptiste', ['T4'])
    await until(() => t.call('labs.reviewQueue', {}).length === 1, 5000, 'unordered run in review')
  })
})

describe('in-house analyzer over TCP', () => {
  let t: Awaited<ReturnType<typeof analyzerApp>> | null = null
  let sim: AnalyzerSimulator | null = null
  afterEach(async () => {
    await sim?.stop()
    await t?.close()
  })

  it('as a server the analyzer dials, and a host query is answered with the pending order', async () => {
    const port = await freePort()
    t = await analyzerApp({ listen: { host: '127.0.0.1', port } })
    const order = t.call('labs.placeOrder', { patientId: t.patientId, integrationId: t.analyzerId, tests: ['T4'] })
    sim = new AnalyzerSimulator({ transport: new TcpClientTransport('127.0.0.1', port), runAfter: 0.1, timers: TIMERS })
    await sim.start()
    // the order list goes out once the analyzer is there
    // Deadlines, not speed goals: a loaded 2-core machine (the whole suite in parallel) needs the room.
    await until(() => sim!.orders.some((o) => o.sampleId === order.orderNumber), 20_000, 'order delivered')
    const before = sim.orders.length
    await sim.hostQuery(order.orderNumber)
    await until(() => sim!.orders.length > before, 5000, 'query answered')
    expect(sim.orders.at(-1)!.sampleId).toBe(order.orderNumber)
    await until(() => t!.call('labs.results', { patientId: t!.patientId }).length >= 1, 20_000, 'results attached')
  }, 60_000)

  it('as a client VetOS dials the analyzer and redials after it restarts', async () => {
    const port = await freePort()
    sim = new AnalyzerSimulator({ transport: new TcpServerTransport('127.0.0.1', port, () => []), runAfter: 0.1, timers: TIMERS })
    await sim.start()
    t = await analyzerApp({ connect: { host: '127.0.0.1', port } })
    await until(() => t!.status().state === 'connected', 5000, 'connected')
    await sim.stop()
    await until(() => t!.status().state === 'error', 5000, 'error shown')
    sim = new AnalyzerSimulator({ transport: new TcpServerTransport('127.0.0.1', port, () => []), runAfter: 0.1, timers: TIMERS })
    await sim.start()
    await until(() => t!.status().state === 'connected', 10_000, 'redialled')
    t.call('labs.placeOrder', { patientId: t.patientId, integrationId: t.analyzerId, tests: ['T4'] })
    await until(() => t!.call('labs.results', { patientId: t!.patientId }).length === 1, 10_000, 'results attached')
  })
})

describe('an analyzer transmission VetOS stopped in the middle of reading', () => {
  it('is read at the next start: nothing received at EOT is lost', async () => {
    const port = await freePort()
    const first = await analyzerApp({ listen: { host: '127.0.0.1', port } })
    const order = first.call('labs.placeOrder', { patientId: first.patientId, integrationId: first.analyzerId, tests: ['T4'] })
    // Stored at EOT, then the process died before reading it.
    const text = ['H|\\^&|||VS2', `P|1|${first.patientId}|||Baptiste^Crouton`, `O|1|${order.orderNumber}||^^^T4`, 'R|1|^^^T4|2.9|ug/dL|1.0-4.0|N||F', 'L|1|N'].join('\r') + '\r'
    const row = first.app.services.labs.archive.begin({ integrationId: first.analyzerId, transport: 'astm', peer: 'test', raw: Buffer.from(text) })
    first.app.services.labs.archive.finish(row.id, 'sha-test', 'ASTM')
    const dir = first.dir
    await first.app.close()
    const again = makeApp({ dir, labs: { analyzer: { listen: { host: '127.0.0.1', port } }, astmTimers: TIMERS } })
    await again.app.start()
    again.signIn('veterinarian')
    try {
      await until(() => again.call('labs.results', { patientId: first.patientId }).length === 1, 5000, 'the stored run read')
      expect(again.call('labs.results', { patientId: first.patientId })[0].observations[0]).toMatchObject({ code: 'T4', valueNum: 2.9 })
    } finally {
      await again.close()
    }
  })
})
