/**
 * The DICOM node under hostile peers over real TCP: PDUs declaring 4 GB, storms of refused
 * associations, a request that never completes, and random and mutated PDUs. Real DCMTK peers
 * must go on being served throughout, and nothing may throw out of the node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, type Socket } from 'node:net'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { associateRq, dcmtk, echoRq, pdu, releaseRq, storeRq } from '../helpers/dicom'
import { until } from '../helpers/wait'
import { syntheticRadiograph } from '../../src-main/imaging/synthetic'
import { readHeader } from '../../src-main/imaging/dicom-file'
import { uuidUid } from '../../src-main/imaging/requests'

const GB4 = 0xffffffff

/** A connection that records what it got and whether it closed. */
interface Peer {
  socket: Socket
  received: () => Buffer
  closed: () => boolean
}
function open(port: number): Promise<Peer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let closed = false
    socket.on('data', (d) => chunks.push(d))
    socket.on('error', () => {})
    socket.on('close', () => (closed = true))
    socket.once('connect', () => resolve({ socket, received: () => Buffer.concat(chunks), closed: () => closed }))
  })
}

/** Writes the first bytes, then floods 64 KB chunks (as fast as the node reads) until cap bytes or the close. */
async function flood(peer: Peer, first: Buffer, cap: number): Promise<number> {
  const chunk = Buffer.alloc(65536, 0x41)
  let sent = 0
  peer.socket.write(first)
  while (!peer.closed() && sent < cap) {
    sent += chunk.length
    if (!peer.socket.write(chunk))
      await new Promise<void>((r) => {
        const done = () => {
          peer.socket.off('drain', done).off('close', done)
          r()
        }
        peer.socket.on('drain', done).on('close', done)
      })
  }
  return sent
}

describe('the DICOM node under hostile peers', () => {
  let t: TestApp
  let port: number
  let files: string
  /** A small good image on disk, and its SOP Instance UID. */
  const image = (name: string) => {
    const bytes = syntheticRadiograph({ patient: { ownerLastName: 'Hostile', petName: 'Test', patientId: 'X-1' }, accessionNumber: 'HOSTILE1', rows: 64, columns: 64 })
    const file = join(files, name)
    writeFileSync(file, bytes)
    return { file, sop: readHeader(bytes).sopInstanceUid }
  }
  const stored = (sop: string) => !!t.app.services.imaging.studies.instanceBySop(sop)
  const storescu = (file: string) => dcmtk('storescu', ['-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port), file])
  const echoscu = () => dcmtk('echoscu', ['-aec', 'VETOS', '-aet', 'DRROOM', '127.0.0.1', String(port)])
  const refusalRows = (action: string) => t.call('audit.list', { direction: 'inbound', limit: 500 }).filter((e) => e.action === action)
  const node = () => t.app.services.imaging.node!

  beforeAll(async () => {
    files = tempDir('vetos-dicom-hostile-')
    t = makeApp({ imaging: { dicom: { host: '127.0.0.1', port: 0, aeTitle: 'VETOS', acceptLoopback: false } } })
    await t.app.start()
    port = node().port!
    t.signIn('admin')
    const modality = t.call('integrations.create', { kind: 'imaging', name: 'DR room', config: { aeTitle: 'DRROOM', host: '127.0.0.1' } })
    t.call('integrations.approve', { id: modality.id, categories: ['patient_identity', 'imaging'] })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('cuts off peers declaring 4 GB PDUs at their header, buffers none of it, and goes on serving DCMTK', async () => {
    const rssBefore = process.memoryUsage().rss
    // before any association: a 4 GB A-ASSOCIATE-RQ and a 4 GB P-DATA-TF
    const a = await open(port)
    const b = await open(port)
    // a configured modality, associated, then a P-DATA-TF of 4 GB
    const c = await open(port)
    c.socket.write(associateRq('DRROOM'))
    await until(() => c.received().length > 0, 10_000, 'the association of the third peer')
    expect(c.received()[0]).toBe(0x02)
    const cap = 24 * 1024 * 1024
    const flooding = Promise.all([flood(a, pdu(0x01, Buffer.alloc(0), GB4), cap), flood(b, pdu(0x04, Buffer.alloc(0), GB4), cap), flood(c, pdu(0x04, Buffer.alloc(0), GB4), cap)])
    // meanwhile real modalities are answered and stored, and the API answers
    const { file, sop } = image('during-flood.dcm')
    const [echo, store] = await Promise.all([echoscu(), storescu(file)])
    expect(echo.code, echo.out).toBe(0)
    expect(store.code, store.out).toBe(0)
    expect(stored(sop)).toBe(true)
    expect(t.call('imaging.node', {}).listening).toBe(true)
    await until(() => a.closed() && b.closed() && c.closed(), 10_000, 'the node to close the three hostile connections')
    await flooding
    // nothing like the declared 4 GB, nor the bytes flooded, was kept
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(48 * 1024 * 1024)
    // why: the refusal log for the two strangers (the first at once, the second in its count), the association's row for the third
    const refused = refusalRows('dicom.connection.refused')
    expect(refused.map((e) => e.summary)).toEqual([expect.stringMatching(/The DICOM node refused a connection from 127\.0\.0\.1: (A-ASSOCIATE-RQ of 4294967295 bytes is over the limit of 65536|P-DATA-TF is not expected before an association request)/)])
    const aborted = t.call('imaging.node', {}).associations.find((x) => x.outcome === 'aborted')
    expect(aborted?.detail).toMatch(/VetOS aborted the association: P-DATA-TF of 4294967295 bytes is over the limit of 16384/)
    t.app.core.refusals.stop()
    expect(refusalRows('dicom.connection.refused')[0].summary).toMatch(/refused 1 more connection from 127\.0\.0\.1 within a minute/)
  })

  it('aggregates a storm of refused associations: a couple of audit rows with a count, one list row per AE title, each connection closed after its A-ASSOCIATE-RJ', async () => {
    const auditBefore = refusalRows('dicom.association.refused').length
    const rowsBefore = t.call('imaging.node', {}).associations.length
    const refuseOne = async (calling: string) => {
      const p = await open(port)
      p.socket.write(associateRq(calling))
      // the node closes after its A-ASSOCIATE-RJ; the requestor does not have to
      await until(p.closed, 10_000, `the node to close ${calling}'s refused connection`)
      expect(p.received()[0]).toBe(0x03)
    }
    const storm = 200
    for (let i = 0; i < storm; i += 20) await Promise.all(Array.from({ length: 20 }, () => refuseOne('STRANGER')))
    // a scanner trying AE titles
    for (let i = 0; i < 30; i++) await refuseOne(`GUESS${i}`)
    expect(node().counters.refused).toBeGreaterThanOrEqual(storm + 30)
    expect(refusalRows('dicom.association.refused').length - auditBefore).toBe(1)
    t.app.core.refusals.stop()
    const rows = refusalRows('dicom.association.refused')
    expect(rows.length - auditBefore).toBe(2)
    expect(rows[0].summary).toMatch(new RegExp(`refused ${storm + 30 - 1} more connections from 127\\.0\\.0\\.1 within a minute`))
    // the list: one row for the storm with its count, then at most ten rows for the guesses
    const list = t.call('imaging.node', {}).associations
    const stranger = list.filter((x) => x.callingAet === 'STRANGER' && x.outcome === 'rejected')
    expect(stranger).toHaveLength(1)
    expect(stranger[0].detail).toMatch(new RegExp(`refused ${storm} times from 127\\.0\\.0\\.1 within a minute`))
    expect(list.length - rowsBefore).toBeLessThanOrEqual(10)
    expect((await echoscu()).code).toBe(0)
  })

  it('refuses a requestor announcing a maximum PDU length too small to answer it (the library would loop forever)', async () => {
    const p = await open(port)
    p.socket.write(associateRq('DRROOM', 6))
    await until(p.closed, 10_000, 'the node to close the refused connection')
    expect(p.received()[0]).toBe(0x03)
    expect(t.call('imaging.node', {}).associations.find((x) => x.callingAet === 'DRROOM' && x.outcome === 'rejected')?.detail).toMatch(/maximum PDU length of 6 bytes is under 1024/)
  })

  it('announces its own maximum PDU length to a requestor that announces none (0), and serves it', async () => {
    const p = await open(port)
    p.socket.write(associateRq('DRROOM', 0))
    await until(() => p.received().length > 0, 10_000, 'the A-ASSOCIATE-AC')
    const ac = p.received()
    expect(ac[0]).toBe(0x02)
    // the Maximum Length sub-item (PS3.8 D.1): 0x51, reserved, length 4, the value
    const at = ac.indexOf(Buffer.from([0x51, 0x00, 0x00, 0x04]))
    expect(ac.readUInt32BE(at + 4)).toBe(262144)
    p.socket.write(echoRq)
    await until(() => p.received().length > ac.length, 10_000, 'the C-ECHO-RSP')
    expect(p.received()[ac.length]).toBe(0x04)
    p.socket.end(releaseRq)
    await until(p.closed, 10_000, 'the release')
  })

  it('cuts off a peer that never completes its association request', async () => {
    const p = await open(port)
    p.socket.write(Buffer.from([0x01, 0x00, 0x00]))
    await until(() => internals().size > 0, 10_000, 'the connection to be accepted')
    // the library's 60 s association timeout, shortened for the test
    for (const scp of internals()) (scp as unknown as { associationTimeout: number }).associationTimeout = 200
    await until(p.closed, 10_000, 'the node to close the idle connection')
  })

  it('survives random and mutated PDUs, and still stores the next good image', async () => {
    const dataset = (() => {
      const f = syntheticRadiograph({ patient: { ownerLastName: 'Fuzz', petName: 'Case', patientId: 'F-1' }, rows: 16, columns: 16 })
      return f.subarray(132 + 12 + f.readUInt32LE(140))
    })()
    const good = () => Buffer.concat([associateRq('DRROOM'), echoRq, storeRq(uuidUid(), dataset), releaseRq])
    const byte = fc.oneof(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x07, 0xff, 0x40, 0x80), fc.integer({ min: 0, max: 255 }))
    const edits = fc.array(fc.record({ at: fc.nat(), op: fc.constantFrom('flip', 'insert', 'delete', 'truncate'), value: byte }), { minLength: 1, maxLength: 6 })
    const mutated = edits.map((es) => {
      let b = good()
      for (const e of es) {
        const i = e.at % (b.length + 1)
        if (e.op === 'flip' && i < b.length) b[i] = e.value
        else if (e.op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.of(e.value), b.subarray(i)])
        else if (e.op === 'delete') b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
        else if (e.op === 'truncate') b = b.subarray(0, i)
      }
      return b
    })
    const randomPdus = fc.array(fc.tuple(fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 200 }), fc.option(fc.nat(), { nil: undefined })), { maxLength: 6 }).map((ps) => Buffer.concat([associateRq('DRROOM'), ...ps.map(([type, body, declared]) => pdu(type, Buffer.from(body), declared))]))
    const junk = fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((u) => Buffer.from(u))
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, randomPdus, junk), async (bytes) => {
        const p = await open(port)
        p.socket.end(bytes)
        // the node answers what it can and closes when the peer has (or earlier)
        await until(p.closed, 10_000, 'the node to close a fuzzed connection')
      }),
      { numRuns: 300, interruptAfterTimeLimit: 6000, markInterruptAsFailure: false }
    )
    await until(() => internals().size === 0, 10_000, 'every fuzzed association to end')
    // nothing half-received is left behind, and the node serves as before
    await until(() => readdirSync(join(t.dir, 'images', 'incoming')).length === 0, 10_000, 'incoming to be empty')
    const { file, sop } = image('after-fuzz.dcm')
    expect((await storescu(file)).code).toBe(0)
    expect(stored(sop)).toBe(true)
    expect((await echoscu()).code).toBe(0)
    expect(t.call('imaging.node', {}).listening).toBe(true)
  })

  /** The node's open associations (VetosScp instances), for the timeout test. */
  const internals = () => (node() as unknown as { open: Set<object> }).open
})
