/**
 * Bounded fuzzing of what the DICOM node parses: Part 10 headers (readHeader, identifiersOf, and
 * capture mode's dissector and preview) and the PDU guard in front of the network library. Random
 * and mutated input gets a result or a DicomFileError (a refusal for the guard; a problem for the
 * dissector), never another exception or a hang. Each property runs a fixed number of cases, a few
 * seconds at most.
 */
import dicomParser from 'dicom-parser'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DicomFileError, identifiersOf, readHeader } from '../../src-main/imaging/dicom-file'
import { MAX_REQUEST_PDU, PduGuard, type Refusal } from '../../src-main/imaging/pdu-guard'
import { dissectDicom } from '../../src-main/imaging/dissect'
import { readCapturedDicom } from '../../src-main/imaging/capture-read'
import { syntheticDental, syntheticRadiograph, syntheticUltrasound, type SyntheticPatient } from '../../src-main/imaging/synthetic'

/** Bounds every property by time as well as by runs (a slow machine runs fewer cases). */
const BOUND = { interruptAfterTimeLimit: 4000, markInterruptAsFailure: false }

const patient: SyntheticPatient = { ownerLastName: 'Smith', ownerFirstName: 'Anna', petName: 'Rex', patientId: 'P-1', species: 'canine', sex: 'M', neutered: true, birthDate: '2019-04-01' }
const VALID = [syntheticRadiograph({ patient, rows: 16, columns: 16 }), syntheticUltrasound({ patient, frames: 1 }).subarray(0, 4096), syntheticDental({ patient }).subarray(0, 4096)]

/** Bytes that steer a DICOM parser: tag and VR letters, length bytes, undefined lengths. */
const byte = fc.oneof(fc.constantFrom(0x00, 0x02, 0x08, 0x10, 0x20, 0xfe, 0xff, 0xe0, 0x4f, 0x42, 0x53, 0x51, 0x55, 0x4e, 0x49), fc.integer({ min: 0, max: 255 }))

type Mutation = { at: number; op: 'flip' | 'insert' | 'delete' | 'repeat' | 'truncate'; value: number }
const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const, 'repeat' as const, 'truncate' as const), value: byte })

/** Edits a copy: mostly in the first 2 KB, where the header the node parses is. */
function mutate(input: Buffer, edits: Mutation[]): Buffer {
  let b = Buffer.from(input)
  for (const m of edits) {
    const i = m.at % Math.min(b.length + 1, m.value & 1 ? b.length + 1 : 2048)
    if (m.op === 'flip' && i < b.length) b[i] = m.value
    else if (m.op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.of(m.value), b.subarray(i)])
    else if (m.op === 'delete') b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)])
    else if (m.op === 'repeat') b = Buffer.concat([b.subarray(0, i), b.subarray(i, i + (m.value % 64)), b.subarray(i)])
    else if (m.op === 'truncate') b = b.subarray(0, i)
  }
  return b
}

const file = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }).map((u) => Buffer.from(u)),
  // a plausible start (preamble and DICM) followed by junk
  fc.array(byte, { maxLength: 600 }).map((junk) => Buffer.concat([VALID[0].subarray(0, 132 + (junk.length % 200)), Buffer.from(junk)])),
  fc.tuple(fc.constantFrom(...VALID), fc.array(mutation, { minLength: 1, maxLength: 8 })).map(([valid, edits]) => mutate(valid, edits))
)

describe('Part 10 headers under random and mutated bytes', () => {
  it('readHeader answers with a header or a DicomFileError, nothing else', () => {
    let parsed = 0
    fc.assert(
      fc.property(file, (bytes) => {
        try {
          expect(typeof readHeader(bytes).sopInstanceUid).toBe('string')
          parsed++
        } catch (e) {
          if (!(e instanceof DicomFileError)) throw new Error(`${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)} on ${bytes.toString('base64')}`)
        }
      }),
      { numRuns: 3000, ...BOUND }
    )
    // the mutations leave enough files readable that the parsing past the parser is exercised too
    expect(parsed).toBeGreaterThan(0)
  })

  it('identifiersOf reads any dataset the parser makes of mutated files without throwing', () => {
    fc.assert(
      fc.property(file, (bytes) => {
        let ds: dicomParser.DataSet
        try {
          ds = dicomParser.parseDicom(bytes, { untilTag: 'x7fe00010' })
        } catch {
          return // the parser's refusal is readHeader's DicomFileError, tested above
        }
        const ids = identifiersOf(ds)
        for (const v of Object.values(ids)) expect(['string', 'object']).toContain(typeof v)
      }),
      { numRuns: 3000, ...BOUND }
    )
  })

  it('the capture dissector and preview read any of them without throwing, saying why when they cannot', () => {
    fc.assert(
      fc.property(file, (bytes) => {
        const d = dissectDicom(bytes)
        expect(typeof d.text).toBe('string')
        // every field at a tag, (gggg,eeee) or a path of them into sequence items
        for (const f of d.parts.flatMap((p) => p.fields)) expect(f.position).toMatch(/^\([0-9A-F]{4},[0-9A-F]{4}\)(\[\d+\]\.\([0-9A-F]{4},[0-9A-F]{4}\))*$/)
        // what filing refuses is never shown as a clean read
        let files = true
        try {
          readHeader(bytes)
        } catch {
          files = false
        }
        if (!files) expect(d.problem).toEqual(expect.any(String))
        expect(readCapturedDicom(bytes).identifiers).toEqual(expect.any(Object))
      }),
      { numRuns: 1500, ...BOUND }
    )
  })

  it('reads the valid files it mutates', () => {
    for (const v of VALID.slice(0, 1)) expect(readHeader(v).identifiers).toMatchObject({ ownerLastName: 'Smith', petName: 'Rex' })
  })
})

/** A PDU: type, reserved byte, big-endian length, body. */
const pdu = (type: number, body: Buffer, declared = body.length) => {
  const h = Buffer.alloc(6)
  h.writeUInt8(type, 0)
  h.writeUInt32BE(declared, 2)
  return Buffer.concat([h, body])
}

/** Feeds bytes to a guard in the given chunk sizes; the library's side is simulated by accepting after an A-ASSOCIATE-RQ. */
function run(stream: Buffer, cuts: number[], maxPdu = 16384) {
  const passed: Buffer[] = []
  const refusals: Refusal[] = []
  const guard: PduGuard = new PduGuard(
    (p) => {
      passed.push(Buffer.from(p))
      if (p[0] === 0x01) guard.accepted(maxPdu)
    },
    (r) => refusals.push(r)
  )
  let at = 0
  for (const c of cuts) {
    if (at >= stream.length) break
    guard.write(stream.subarray(at, (at += Math.max(1, c))))
  }
  if (at < stream.length) guard.write(stream.subarray(at))
  return { passed, refusals }
}

describe('the PDU guard', () => {
  const rq = pdu(0x01, Buffer.alloc(300, 1))
  const data = (n: number) => pdu(0x04, Buffer.alloc(n, 4))
  const release = pdu(0x05, Buffer.alloc(4))

  it('hands on a good association whole PDU by whole PDU, however the bytes are cut', () => {
    const good = [rq, data(16384), data(10), release]
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20000 }), { maxLength: 40 }), (cuts) => {
        const { passed, refusals } = run(Buffer.concat(good), cuts)
        expect(refusals).toEqual([])
        expect(passed.map((p) => p.toString('hex'))).toEqual(good.map((p) => p.toString('hex')))
      }),
      { numRuns: 500, ...BOUND }
    )
  })

  it('refuses at its header a PDU over the limit of the state, of an unknown type, or out of order, and passes nothing of it', () => {
    const cases: [Buffer[], RegExp][] = [
      [[pdu(0x01, Buffer.alloc(0), 0xffffffff)], /A-ASSOCIATE-RQ of 4294967295 bytes is over the limit of 65536/],
      [[pdu(0x01, Buffer.alloc(0), MAX_REQUEST_PDU + 1)], /over the limit/],
      [[pdu(0x04, Buffer.alloc(0), 0xffffffff)], /P-DATA-TF is not expected before an association request/],
      [[rq, pdu(0x04, Buffer.alloc(0), 16385)], /P-DATA-TF of 16385 bytes is over the limit of 16384/],
      [[rq, pdu(0x01, Buffer.alloc(10))], /A-ASSOCIATE-RQ is not expected during an association/],
      [[rq, release, data(10)], /P-DATA-TF is not expected after a release request/],
      [[pdu(0x09, Buffer.alloc(10))], /unknown PDU type 0x09/],
      [[rq, pdu(0x07, Buffer.alloc(0), 1 << 30)], /A-ABORT of 1073741824 bytes is over the limit of 4/]
    ]
    for (const [stream, why] of cases) {
      const { passed, refusals } = run(Buffer.concat(stream), [3, 5, 7])
      expect(refusals.map((r) => r.why)).toEqual([expect.stringMatching(why)])
      expect(passed.length).toBe(stream.length - 1)
    }
  })

  it('never passes more than the limits allow, nor anything after a refusal, on random streams', () => {
    const anyPdu = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 64 }), fc.option(fc.nat(), { nil: undefined })).map(([type, body, declared]) => pdu(type, Buffer.from(body), declared))
    fc.assert(
      fc.property(fc.array(anyPdu, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 20 }), (pdus, cuts) => {
        const { passed, refusals } = run(Buffer.concat([rq, ...pdus]), cuts, 64)
        expect(refusals.length).toBeLessThanOrEqual(1)
        for (const p of passed) {
          expect(p.length).toBe(6 + p.readUInt32BE(2))
          expect(p.length).toBeLessThanOrEqual(p[0] === 0x01 ? 6 + MAX_REQUEST_PDU : 6 + 64)
        }
      }),
      { numRuns: 2000, ...BOUND }
    )
  })
})
