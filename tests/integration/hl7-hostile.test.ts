import { afterEach, describe, expect, it } from 'vitest'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { networkInterfaces } from 'node:os'
import { frame, MllpFramer, type MllpChunk } from '../../src-main/hl7/mllp'
import { Hl7Message } from '../../src-main/hl7/codec'
import { buildAck } from '../../src-main/hl7/lab-messages'
import { clients, patients } from '../../src-main/db/schema'
import type { Hl7ListenerOptions } from '../../src-main/hl7/listener'
import { makeApp, type TestApp } from '../helpers/app'
import { exchange, freePort, oru, REFLAB_PROFILE } from '../helpers/labs'
import { until } from '../helpers/wait'

/** Polls until f() holds, or fails after ms. */
/** A demo app whose HL7 listener runs with these options, and one approved reference lab at labPort. */
async function hostileApp(listener: Partial<Hl7ListenerOptions>, labPort: number) {
  const t = makeApp({ labs: { hl7: { host: '127.0.0.1', port: 0, ...listener } } })
  await t.app.start()
  t.signIn('admin')
  for (const i of t.call('integrations.list', {})) if (i.kind === 'reference_lab') t.call('integrations.update', { id: i.id, enabled: false })
  const lab = t.call('integrations.create', { kind: 'reference_lab', name: 'Test Reference Lab', config: { host: '127.0.0.1', port: labPort, lab: REFLAB_PROFILE, retrySeconds: 1, ackTimeoutSeconds: 5 } })
  t.call('integrations.approve', { id: lab.id, categories: ['patient_identity', 'lab_orders'] })
  t.signIn('veterinarian')
  // The outbound queue follows the new lab in a microtask; an order queued in that same turn loses its wake-up.
  await new Promise((r) => setImmediate(r))
  return Object.assign(t, { labId: lab.id, hl7Port: t.app.services.labs.listener!.port })
}

/** A lab that keeps every byte it receives and acknowledges each message it can read. */
function rawLab(port: number) {
  const bytes: Buffer[] = []
  const server: Server = createServer((s: Socket) => {
    const framer = new MllpFramer()
    s.on('data', (d: Buffer) => bytes.push(d))
    s.on('error', () => s.destroy())
    s.pipe(framer)
    framer.on('data', (c: MllpChunk) => {
      if (c.kind !== 'message') return
      try {
        s.write(frame(buildAck(Hl7Message.parse(c.data.toString('utf8')), 'AA', 'LAB-ACK-1', new Date())))
      } catch {
        // unreadable: no answer, as a lab's parser would give none
      }
    })
  })
  server.listen(port, '127.0.0.1')
  return { bytes, stop: () => new Promise<void>((r) => server.close(() => r())) }
}

describe('the HL7 listener under hostile input', () => {
  let t: TestApp | null = null
  let lab: ReturnType<typeof rawLab> | null = null
  afterEach(async () => {
    await lab?.stop()
    await t?.close()
    t = null
    lab = null
  })

  it('audits a storm of refused connections as a couple of rows with a count, not one row each', async () => {
    // Only configured labs and this machine may connect: come from this machine's own network address.
    const lanIp = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address
    if (!lanIp) throw new Error('this test needs a non-loopback IPv4 address on this machine')
    t = makeApp({ labs: { hl7: { host: '0.0.0.0', port: 0 } } })
    await t.app.start()
    t.signIn('admin')
    const port = t.app.services.labs.listener!.port
    const refusedRows = () => t!.call('audit.list', { limit: 500 }).filter((e) => e.action === 'hl7.connection.refused')
    const before = refusedRows().length
    let closed = 0
    const storm = 150
    for (let i = 0; i < storm; i++) {
      const s = connect({ host: lanIp, port })
      s.on('error', () => undefined)
      s.on('close', () => closed++)
    }
    await until(() => closed === storm)
    expect(refusedRows().length - before).toBe(1)
    // The rest of the minute is written as one row with its count (stop() ends the minute now).
    t.app.core.refusals.stop()
    const rows = refusedRows().slice(0, refusedRows().length - before)
    expect(rows).toHaveLength(2)
    expect(rows.map((r) => JSON.parse(r.details!).count).reduce((a, b) => a + b, 0)).toBe(storm)
    expect(rows[0].summary).toMatch(new RegExp(`refused ${storm - 1} more connections from ${lanIp.replace(/\./g, '\\.')} within a minute: not a configured lab`))
  })

  it('answers a frame over the size limit with AR naming the limit, and reads the next message on the same connection', async () => {
    t = await hostileApp({ maxFrameBytes: 4096 }, await freePort())
    const { hl7Port } = t as Awaited<ReturnType<typeof hostileApp>>
    const big = oru({ controlId: 'BIG-1', owner: 'Quintana', pet: 'Pimienta', values: Array.from({ length: 200 }, (_, i) => [`A${i}`, `Analyte ${i}`, '1.0', 'mg/dL', '0.5-1.5', 'N'] as [string, string, string, string, string, string]) })
    expect(Buffer.byteLength(big)).toBeGreaterThan(4096)
    const acks = await exchange(hl7Port, [frame(big), frame(oru({ controlId: 'RES-OK', owner: 'Quintana', pet: 'Pimienta' }))], 2)
    expect(acks.map((a) => [a.segment('MSA')!.get(1), a.segment('MSA')!.get(2)])).toEqual([['AR', 'BIG-1'], ['AA', 'RES-OK']])
    expect(acks[0].segment('MSA')!.get(3)).toMatch(/over 4096 bytes/)
    // the refused frame is kept (its start) for inspection
    const log = t.call('integrations.messages', { direction: 'inbound' })
    expect(log.find((m) => m.controlId === 'BIG-1')).toMatchObject({ status: 'rejected', error: expect.stringMatching(/over 4096 bytes/) })
  })

  it('closes a connection that stays silent, and keeps one that is in use', async () => {
    t = await hostileApp({ idleTimeoutMs: 300 }, await freePort())
    const { hl7Port } = t as Awaited<ReturnType<typeof hostileApp>>
    const open = (s: Socket) => new Promise((r) => s.once('connect', r))
    const started = Date.now()
    const idle = connect({ host: '127.0.0.1', port: hl7Port })
    const busy = connect({ host: '127.0.0.1', port: hl7Port })
    let idleClosed = false
    let busyClosed = false
    idle.on('close', () => (idleClosed = true))
    busy.on('close', () => (busyClosed = true))
    await Promise.all([open(idle), open(busy)])
    let answers = 0
    const framer = new MllpFramer()
    busy.pipe(framer)
    framer.on('data', (c: MllpChunk) => c.kind === 'message' && answers++)
    // the busy connection sends a message every 100 ms until the silent one has been closed, and on past twice the timeout
    for (let k = 1; !idleClosed || Date.now() - started < 700; k++) {
      if (Date.now() - started > 5000) throw new Error('the silent connection was never closed')
      busy.write(frame(oru({ controlId: `BUSY-${k}`, owner: 'Quintana', pet: 'Pimienta' })))
      await until(() => answers === k)
      await new Promise((r) => setTimeout(r, 100))
    }
    // the connection in use outlived the timeout; the silent one did not
    expect(idleClosed).toBe(true)
    expect(busyClosed).toBe(false)
    busy.destroy()
  })

  it('sends an order for a patient whose stored name holds control characters as one well-formed frame the lab reads back', async () => {
    const labPort = await freePort()
    lab = rawLab(labPort)
    const a = await hostileApp({}, labPort)
    t = a
    const c = t.call('clients.create', { firstName: 'Marta', lastName: 'Quintana', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Pimienta', species: 'canine', sex: 'female', neuterStatus: 'neutered' })
    // Names stored before the API refused control characters (or arriving by sync) are written directly.
    const petName = 'Pim\x0bien\x1cta\rX\nY\tZ\x1b\x7f|^&~\\'
    const ownerName = 'Quin\x0btana\x1c\r'
    t.app.core.store.update(patients, p.id, { name: petName })
    t.app.core.store.update(clients, c.id, { lastName: ownerName })
    const o = t.call('labs.placeOrder', { patientId: p.id, integrationId: a.labId, tests: ['CBC'], priority: 'routine' })
    await until(() => t!.call('labs.orders', { patientId: p.id })[0].status === 'accepted')
    const stream = Buffer.concat(lab.bytes)
    // exactly one frame: start block first, end block last, neither anywhere else
    expect(stream[0]).toBe(0x0b)
    expect(stream.subarray(-2)).toEqual(Buffer.of(0x1c, 0x0d))
    const body = stream.subarray(1, -2)
    expect(body.some((b) => b === 0x0b || b === 0x1c)).toBe(false)
    // no control character but the segment ends
    expect(body.some((b) => b < 0x20 && b !== 0x0d)).toBe(false)
    const orm = Hl7Message.parse(body.toString('utf8'))
    expect(orm.segments.map((s) => s.name)).toEqual(['MSH', 'PID', 'ORC', 'OBR'])
    expect(orm.segment('PID')!.get(5, 1)).toBe(ownerName)
    expect(orm.segment('PID')!.get(5, 2)).toBe(petName)
    expect(orm.segment('ORC')!.get(2)).toBe(o.orderNumber)
  })
})
