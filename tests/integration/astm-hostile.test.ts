/**
 * VetOS as the ASTM server (TCP) under clumsy or hostile peers: two connections at once, a bare
 * connect-and-close in the middle of a transmission, a dead link replaced, refused-peer storms,
 * and a status that only says connected while a link is up.
 */
import { connect, type Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { makeApp } from '../helpers/app'
import { freePort, REFLAB_PROFILE } from '../helpers/labs'
import { AnalyzerSimulator } from '../../src-main/simulators/analyzer'
import { TcpClientTransport } from '../../src-main/astm/transport'
import { ACK, ENQ, EOT, toFrames } from '../../src-main/astm/frames'
import type { LinkTimers } from '../../src-main/astm/link'
import { until } from '../helpers/wait'

// receiveMs is also how long a silent link still counts as live: short, so a replacement is quick to see.
const TIMERS: Partial<LinkTimers> = { establishMs: 2000, frameAckMs: 2000, receiveMs: 1500, busyRetryMs: 200, contentionMs: 200 }

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** A hand-driven analyzer on one TCP connection: each step sends bytes and waits for the host's answer. */
class RawAnalyzer {
  private got: number[] = []
  closed = false

  private constructor(private readonly socket: Socket) {
    socket.on('data', (b) => this.got.push(...b))
    socket.on('close', () => (this.closed = true))
    socket.on('error', () => undefined)
  }

  static open(port: number, localAddress?: string): Promise<RawAnalyzer> {
    return new Promise((resolve, reject) => {
      const s = connect({ host: '127.0.0.1', port, localAddress })
      s.once('connect', () => resolve(new RawAnalyzer(s)))
      s.once('error', reject)
    })
  }

  /** The host's one-byte answer to these bytes, or 'closed' when it closed the connection instead. */
  async step(bytes: Buffer): Promise<number | 'closed'> {
    if (this.closed) return 'closed'
    const n = this.got.length
    this.socket.write(bytes)
    await until(() => this.got.length > n || this.closed, 5000, 'an answer from VetOS')
    return this.got.length > n ? this.got[n] : 'closed'
  }

  send(bytes: Buffer): void {
    if (!this.closed) this.socket.write(bytes)
  }

  async close(): Promise<void> {
    this.socket.end()
    await until(() => this.closed, 5000, 'the connection closed')
  }
}

const run = (patientId: string, owner: string, pet: string, sample: string, value: string) => ['H|\\^&|||VS2', `P|1|${patientId}|||${owner}^${pet}`, `O|1|${sample}||^^^T4`, `R|1|^^^T4|${value}|ug/dL|1.0-4.0|N||F`, 'L|1|N']
const text = (records: string[]) => records.join('\r') + '\r'

async function serverApp() {
  const port = await freePort()
  const t = makeApp({ labs: { analyzer: { listen: { host: '127.0.0.1', port } }, astmTimers: TIMERS } })
  t.signIn('admin')
  for (const i of t.call('integrations.list', {})) if (i.kind === 'analyzer') t.call('integrations.update', { id: i.id, enabled: false })
  const a = t.call('integrations.create', { kind: 'analyzer', name: 'Chemistry analyzer', config: { lab: { ...REFLAB_PROFILE, catalog: [{ code: 'T4', name: 'Total T4', kind: 'test' as const }] } } })
  t.call('integrations.approve', { id: a.id, categories: ['patient_identity', 'lab_orders'] })
  await t.app.start()
  t.signIn('veterinarian')
  const pet = (first: string, last: string, name: string) => {
    const c = t.call('clients.create', { firstName: first, lastName: last, phones: [] })
    return t.call('patients.create', { clientId: c.id, name, species: 'feline', sex: 'male', neuterStatus: 'neutered' }).id
  }
  const status = () => t.app.services.integrations.get(a.id).status
  const connector = t.app.services.labs.analyzers.get(a.id)!
  // The status may never claim a link that is not there, nor miss one that is, at any change.
  const lies: string[] = []
  const watch = t.app.events.subscribe(({ event }) => {
    if (event.type !== 'changed' || event.payload.entity !== 'integration' || event.payload.id !== a.id) return
    if ((status().state === 'connected') !== connector.connected) lies.push(`${status().state} (${status().detail}) while a link is ${connector.connected ? 'up' : 'down'}`)
  })
  /** Every ASTM transmission archived for the analyzer, as text with its status. */
  const archived = () =>
    (t.app.core.store.sqlite.prepare("SELECT status, error, CAST(raw AS BLOB) AS raw FROM inbound_messages WHERE integration_id = ? AND transport = 'astm' ORDER BY seq").all(a.id) as { status: string; error: string | null; raw: Buffer }[]).map((r) => ({ ...r, text: r.raw.toString('latin1') }))
  const audits = (action: string) => t.app.core.store.sqlite.prepare('SELECT summary, details FROM audit_log WHERE action = ? ORDER BY seq').all(action) as { summary: string; details: string }[]
  const closeApp = t.close
  const close = async () => {
    watch.unsubscribe()
    await closeApp()
  }
  return Object.assign(t, { port, analyzerId: a.id, connector, status, lies, archived, audits, close, crouton: pet('Iris', 'Baptiste', 'Crouton'), pepper: pet('Omar', 'Lindqvist', 'Pepper') })
}

describe('VetOS as ASTM server with more than one peer', () => {
  let t: Awaited<ReturnType<typeof serverApp>>
  let sim: AnalyzerSimulator | null = null
  beforeEach(async () => {
    t = await serverApp()
  })
  afterEach(async () => {
    await sim?.stop()
    sim = null
    await t.close()
  })

  it('never mixes two connections transmitting at once: each is stored intact, or the second is refused with a reason', async () => {
    const runA = run(t.crouton, 'Baptiste', 'Crouton', 'S-100', '2.1')
    const runB = run(t.pepper, 'Lindqvist', 'Pepper', 'S-200', '3.7')
    const [fa, fb] = [toFrames(runA), toFrames(runB)]
    const a = await RawAnalyzer.open(t.port)
    await until(() => t.status().state === 'connected', 5000, 'connected')
    const b = await RawAnalyzer.open(t.port)
    // Interleaved: A's header and patient, then B's, then A's order and result, then B's.
    expect(await a.step(Buffer.of(ENQ))).toBe(ACK)
    await b.step(Buffer.of(ENQ))
    for (const f of fa.slice(0, 2)) expect(await a.step(f)).toBe(ACK)
    for (const f of fb.slice(0, 2)) await b.step(f)
    for (const f of fa.slice(2)) expect(await a.step(f)).toBe(ACK)
    a.send(Buffer.of(EOT))
    for (const f of fb.slice(2)) await b.step(f)
    b.send(Buffer.of(EOT))

    await until(() => t.archived().some((r) => r.status === 'processed' && r.text === text(runA)), 5000, "A's transmission stored and read")
    if (b.closed) {
      // Refused: the reason is in the audit log, and B's bytes never reached the archive.
      expect(t.audits('astm.connection.refused').map((r) => r.summary)).toEqual([expect.stringMatching(/refused a connection from 127\.0\.0\.1: .*one connection at a time/)])
      expect(t.status().counters['refused connections']).toBe(1)
    } else await until(() => t.archived().some((r) => r.status === 'processed' && r.text === text(runB)), 5000, "B's transmission stored and read")
    // Whatever was stored is exactly one analyzer's transmission: nothing mixed.
    for (const r of t.archived()) expect([text(runA), text(runB)]).toContain(r.text)
    const review = t.call('labs.reviewQueue', {})
    expect(review.every((i) => i.reasons.every((why) => /is not one of ours/.test(why)))).toBe(true)
    expect(t.lies).toEqual([])
  })

  it('keeps a transmission whose frames were all acknowledged when another peer connects and closes in the middle of it', async () => {
    const runA = run(t.crouton, 'Baptiste', 'Crouton', 'S-300', '2.4')
    const frames = toFrames(runA)
    const a = await RawAnalyzer.open(t.port)
    await until(() => t.status().state === 'connected', 5000, 'connected')
    expect(await a.step(Buffer.of(ENQ))).toBe(ACK)
    for (const f of frames.slice(0, 2)) expect(await a.step(f)).toBe(ACK)
    const bare = await RawAnalyzer.open(t.port)
    await bare.close()
    for (const f of frames.slice(2)) expect(await a.step(f)).toBe(ACK)
    a.send(Buffer.of(EOT))
    await until(() => t.archived().some((r) => r.status === 'processed' && r.text === text(runA)), 5000, "A's transmission stored and read")
    expect(t.archived().map((r) => r.status)).toEqual(['processed'])
    expect(t.status().state).toBe('connected')
    expect(t.lies).toEqual([])
  })

  it('says connected only while a link is up, delivers orders over it, and says why it cannot send without one', async () => {
    sim = new AnalyzerSimulator({ transport: new TcpClientTransport('127.0.0.1', t.port), runAfter: 0.1, timers: TIMERS })
    await sim.start()
    await until(() => t.status().state === 'connected', 5000, 'connected')
    const bare = await RawAnalyzer.open(t.port)
    await bare.close()
    expect(t.status().state).toBe('connected')
    expect(t.connector.connected).toBe(true)
    const order = t.call('labs.placeOrder', { patientId: t.crouton, integrationId: t.analyzerId, tests: ['T4'] })
    await until(() => sim!.orders.some((o) => o.sampleId === order.orderNumber), 5000, 'the order list at the analyzer')

    await sim.stop()
    sim = null
    await until(() => t.status().state === 'listening', 5000, 'back to listening')
    expect(t.connector.connected).toBe(false)
    const waiting = t.call('labs.placeOrder', { patientId: t.pepper, integrationId: t.analyzerId, tests: ['T4'] })
    const timeline = () => t.call('labs.orders', { patientId: t.pepper }).find((o) => o.id === waiting.id)!.timeline
    await until(() => timeline().some((e) => e.status === 'waiting'), 5000, 'the order waiting')
    expect(timeline().find((e) => e.status === 'waiting')!.detail).toBe('Waiting for the link: the analyzer is not connected')
    expect(t.lies).toEqual([])
  })

  it('lets a newcomer replace a link silent for longer than the receive timeout, keeping its cut-off transmission as interrupted', async () => {
    const a = await RawAnalyzer.open(t.port)
    await until(() => t.status().state === 'connected', 5000, 'connected')
    // A starts a transmission and falls silent (a rebooting analyzer, a pulled cable).
    expect(await a.step(Buffer.of(ENQ))).toBe(ACK)
    expect(await a.step(toFrames(run(t.crouton, 'Baptiste', 'Crouton', 'S-400', '1.9'))[0])).toBe(ACK)
    // The analyzer, back, redials until it is let in: refused while A's link is live, then admitted.
    let b: RawAnalyzer | null = null
    const deadline = Date.now() + 10_000
    while (!b) {
      const c = await RawAnalyzer.open(t.port)
      if ((await c.step(Buffer.of(ENQ))) === ACK) b = c
      else if (Date.now() > deadline) throw new Error('never let in')
      else await sleep(100)
    }
    await until(() => a.closed, 5000, 'the silent link closed by VetOS')
    const runB = run(t.crouton, 'Baptiste', 'Crouton', 'S-401', '2.0')
    for (const f of toFrames(runB)) expect(await b.step(f)).toBe(ACK)
    b.send(Buffer.of(EOT))
    await until(() => t.archived().some((r) => r.status === 'processed' && r.text === text(runB)), 5000, "B's transmission stored and read")
    expect(t.archived()[0]).toMatchObject({ status: 'rejected', error: expect.stringMatching(/^interrupted: /) })
    expect(t.audits('astm.connection.replaced')).toHaveLength(1)
    // Every refusal while waiting was counted; the audit log has one row for the minute so far.
    expect(t.status().counters['refused connections']).toBeGreaterThanOrEqual(1)
    expect(t.audits('astm.connection.refused')).toHaveLength(1)
    expect(t.lies).toEqual([])
  })

  it('audits a storm of refused peers as a couple of rows with a count', async () => {
    const n = 200
    for (let i = 0; i < n; i += 20) {
      // 127.0.0.2 is this machine too, but not an address the analyzer is configured with.
      const batch = await Promise.all(Array.from({ length: 20 }, () => RawAnalyzer.open(t.port, '127.0.0.2')))
      await until(() => batch.every((c) => c.closed), 5000, 'refused connections closed')
    }
    await until(() => t.status().counters['refused connections'] === n, 5000, 'every refusal counted')
    expect(t.audits('astm.connection.refused')).toHaveLength(1)
    t.app.core.refusals.stop()
    const rows = t.audits('astm.connection.refused')
    expect(rows.map((r) => JSON.parse(r.details))).toEqual([
      { peer: '127.0.0.2', count: 1 },
      { peer: '127.0.0.2', count: n - 1 }
    ])
    expect(rows[0].summary).toBe('The ASTM listener for Chemistry analyzer refused a connection from 127.0.0.2: not an address configured for this analyzer')
    expect(t.status().state).toBe('listening')
  })
})
