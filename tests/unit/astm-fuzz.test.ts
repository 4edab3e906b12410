/**
 * Bounded fuzzing of the ASTM stack: frames, the E1381 link, E1394 records and a whole connector
 * fed random and mutated input. Nothing may throw out of them, and the next good transmission
 * must still arrive. Each property runs a fixed number of cases, a few seconds at most.
 */
import { EventEmitter } from 'node:events'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ACK, CR, ENQ, EOT, ETB, ETX, LF, NAK, STX, checkFrame, toFrames } from '../../src-main/astm/frames'
import { AstmLink, type LinkTimers } from '../../src-main/astm/link'
import { AstmRecordError, STANDARD_PROFILE, parseRecords, readTransmission, type AstmProfile } from '../../src-main/astm/records'
import { AnalyzerConnector } from '../../src-main/astm/connector'
import type { Channel, Transport } from '../../src-main/astm/transport'
import { makeApp, type TestApp } from '../helpers/app'

const TIMERS: LinkTimers = { establishMs: 300, frameAckMs: 300, receiveMs: 5000, busyRetryMs: 50, contentionMs: 50, maxRetries: 6 }
/** Bounds every property by time as well as by runs (a slow machine runs fewer cases). */
const BOUND = { interruptAfterTimeLimit: 4000, markInterruptAsFailure: false }

const GOOD = ['H|\\^&|||VS2^1.0^SN7', 'P|1|PAT-1||||Smith^Rex', 'O|1|ORD-1||^^^CHEM10', 'R|1|^^^GLU|98|mg/dL|74-143|N||F', 'R|2|^^^CREA|1.2|mg/dL|0.5-1.8|N||F', 'L|1|N']
const goodText = (records = GOOD) => records.join('\r') + '\r'
const transmission = (records: string[]) => Buffer.concat([Buffer.of(ENQ), ...toFrames(records), Buffer.of(EOT)])

/** Bytes a hostile or broken peer would send: control characters far more often than chance. */
const byte = fc.oneof(fc.constantFrom(STX, ETX, EOT, ENQ, ACK, NAK, ETB, CR, LF, 0x30, 0x31, 0x37, 0x7c), fc.integer({ min: 0, max: 255 }))
const junk = fc.uint8Array({ maxLength: 600 }).chain((plain) => fc.array(byte, { maxLength: 300 }).map((biased) => Buffer.concat([Buffer.from(plain), Buffer.from(biased)])))

type Mutation = { at: number; op: 'flip' | 'insert' | 'delete' | 'repeat'; value: number }
const mutation = fc.record({ at: fc.nat(), op: fc.constantFrom('flip' as const, 'insert' as const, 'delete' as const, 'repeat' as const), value: byte })

/** Applies edits to a copy of the input: a flipped, inserted or dropped byte, or a repeated run. */
function mutate(input: Buffer, edits: Mutation[]): Buffer {
  const b = [...input]
  for (const m of edits) {
    const i = m.at % (b.length + 1)
    if (m.op === 'flip' && i < b.length) b[i] = m.value
    else if (m.op === 'insert') b.splice(i, 0, m.value)
    else if (m.op === 'delete') b.splice(i, 1)
    else if (m.op === 'repeat') b.splice(i, 0, ...b.slice(i, i + (m.value % 40)))
  }
  return Buffer.from(b)
}

/** Waits on the link's promise chain (microtasks and immediates), with a deadline. */
async function settle(f: () => boolean, ms = 1000): Promise<void> {
  const end = Date.now() + ms
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setImmediate(r))
  }
}

describe('ASTM frames under random and mutated bytes', () => {
  it('checkFrame answers any bytes with a verdict, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(junk, fc.array(mutation, { maxLength: 6 }).map((m) => mutate(toFrames(GOOD)[3], m))), (bytes) => {
        const c = checkFrame(bytes)
        if (c.ok) expect(c.fn).toBeGreaterThanOrEqual(0)
        else expect(typeof c.reason).toBe('string')
      }),
      { numRuns: 5000, ...BOUND }
    )
  })

  it('toFrames gives frames that check and carry every record back, numbered 1..7,0,1..', () => {
    const latin1 = fc.integer({ min: 0x20, max: 0xff }).filter((c) => c < 0x7f || c >= 0xa0).map((c) => String.fromCharCode(c))
    fc.assert(
      fc.property(fc.array(fc.string({ unit: latin1, maxLength: 700 }), { minLength: 1, maxLength: 8 }), (records) => {
        const frames = toFrames(records)
        const checks = frames.map(checkFrame)
        expect(frames.every((f) => f.length <= 247)).toBe(true)
        expect(checks.map((c) => c.ok && c.fn)).toEqual(frames.map((_, i) => (i + 1) % 8))
        expect(Buffer.concat(checks.map((c) => (c.ok ? c.text : Buffer.alloc(0)))).toString('latin1')).toBe(records.join('\r') + '\r')
      }),
      { numRuns: 1000, ...BOUND }
    )
  })
})

describe('the E1381 link fed random and mutated bytes', () => {
  it('never throws out of feed, and a good transmission after the garbage is still delivered', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(junk, fc.array(mutation, { minLength: 1, maxLength: 8 }).map((m) => mutate(transmission(GOOD), m))), async (garbage) => {
        const got: string[] = []
        const link = new AstmLink('host', { write: () => {}, onFrame: () => {}, onMessage: (t) => void got.push(t.toString('latin1')), onAbort: () => {}, onBadFrame: () => {} }, TIMERS)
        try {
          link.feed(garbage)
          link.feed(transmission(GOOD))
          await settle(() => got.at(-1) === goodText())
        } finally {
          link.close()
        }
      }),
      { numRuns: 400, ...BOUND }
    )
  })
})

describe('E1394 records from random and mutated transmissions', () => {
  const isRecordError = (f: () => unknown) => {
    try {
      f()
    } catch (e) {
      if (!(e instanceof AstmRecordError)) throw e
    }
  }
  const token = fc.constantFrom('H', 'P', 'O', 'R', 'L', 'C', 'Q', 'M', '1', '|', '\\', '^', '&', '&F&', '&E&', '&S&', '^^^', '\r', '\n', '\r\n', 'T4', '2.5', '<0.1', '1-4', 'F', 'N', 'P', 'X', 'R', '20261128093000', '99999999999999', 'H|@^\\', ' ', '')
  const text = fc.oneof(
    fc.string({ unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)), maxLength: 400 }),
    fc.array(token, { maxLength: 120 }).map((t) => t.join('')),
    fc.array(mutation, { minLength: 1, maxLength: 10 }).map((m) => mutate(Buffer.from(goodText(), 'latin1'), m).toString('latin1'))
  )
  // Analyzer profiles come from configuration: any field numbers, sensible or not.
  const profile: fc.Arbitrary<AstmProfile> = fc.record(Object.fromEntries(Object.keys(STANDARD_PROFILE).map((k) => [k, fc.integer({ min: -1, max: 40 })])) as Record<keyof AstmProfile, fc.Arbitrary<number>>)

  it('parseRecords and readTransmission answer with a result or an AstmRecordError, nothing else', () => {
    fc.assert(
      fc.property(text, fc.oneof(fc.constant(STANDARD_PROFILE), profile), (t, p) => {
        isRecordError(() => parseRecords(t))
        isRecordError(() => readTransmission(t, p))
      }),
      { numRuns: 5000, ...BOUND }
    )
  })
})

describe('a connector fed random and mutated transmissions', () => {
  let t: TestApp
  let connector: AnalyzerConnector
  const ch = Object.assign(new EventEmitter(), { peer: 'fuzz:1', address: 'fuzz', write: () => {}, close: () => void ch.emit('close') }) as unknown as Channel & EventEmitter
  const transport = Object.assign(new EventEmitter(), { start: async () => {}, stop: async () => {} }) as unknown as Transport & EventEmitter
  let analyzerId: string

  beforeAll(async () => {
    t = makeApp()
    t.signIn('admin')
    analyzerId = t.call('integrations.create', { kind: 'analyzer', name: 'Fuzzed analyzer', config: {} }).id
    const { labs, integrations: registry, gate } = t.app.services
    connector = new AnalyzerConnector(analyzerId, transport, { archive: labs.archive, registry, gate, results: labs.results, orders: labs.orders, audit: t.app.core.audit, refusals: t.app.core.refusals, captures: t.app.services.captures }, TIMERS)
    await connector.start()
    transport.emit('channel', ch)
  })
  afterAll(async () => {
    await connector.stop()
    await t.close()
  })

  it('stays up: after any transmission the next good one is stored and read', async () => {
    // hex(): appended frames leave raw as TEXT in SQLite, which never equals a BLOB parameter.
    const processed = t.app.core.store.sqlite.prepare("SELECT COUNT(*) FROM inbound_messages WHERE hex(raw) = ? AND status = 'processed'").pluck()
    let n = 0
    const records = fc.oneof(
      fc.array(fc.constantFrom(...GOOD, 'R|3|^^^T4|<0.5|ug/dL|1-4|L||P', 'C|1|I|hemolyzed|G', 'Q|1|^ORD-1||ALL', 'M|1|x', 'H|@^\\|||X', 'O|2'), { maxLength: 10 }),
      fc.array(mutation, { minLength: 1, maxLength: 10 }).map((m) => mutate(Buffer.from(goodText(), 'latin1'), m).toString('latin1').split('\r'))
    )
    await fc.assert(
      fc.asyncProperty(records, fc.option(junk, { nil: undefined }), async (rs, garbage) => {
        if (garbage) ch.emit('data', garbage)
        if (rs.length) ch.emit('data', transmission(rs))
        // A unique value each time, so the good one is never taken for a resend.
        const good = GOOD.map((r) => r.replace('|98|', `|${100 + ++n}|`))
        ch.emit('data', transmission(good))
        await settle(() => processed.get(Buffer.from(goodText(good), 'latin1').toString('hex').toUpperCase()) === 1)
      }),
      { numRuns: 150, ...BOUND }
    )
    expect(connector.connected).toBe(true)
  })
})
