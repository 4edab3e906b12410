/**
 * Bounded fuzzing of the HL7 stack: the codec, the MLLP framer, the ORU reader and the listener
 * over a real socket, fed random and mutated input. Only the documented errors may come out, and
 * the next good message must still get through. Each property is bounded by runs and by time.
 */
import { Readable } from 'node:stream'
import { connect } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Hl7Message, Hl7ParseError, escape, segment, unescape } from '../../src-main/hl7/codec'
import { frame, MllpFramer, type MllpChunk } from '../../src-main/hl7/mllp'
import { Hl7ContentError, parseOru } from '../../src-main/hl7/lab-messages'
import type { TestApp } from '../helpers/app'
import { freePort, labApp, oru } from '../helpers/labs'

/** Stops a property after a few seconds on a slow machine (fewer cases, not a failure). */
const BOUND = { interruptAfterTimeLimit: 4000, markInterruptAsFailure: false }

/** Text a hostile or broken sender would put in a message: delimiters, escapes and controls far more often than chance. */
const piece = fc.oneof(
  fc.constantFrom('|', '^', '~', '\\', '&', '\r', '\n', '\r\n', '\x0b', '\x1c', '\x00', '\x7f', '\t', 'MSH|', '\rOBX|', '\rOBR|', '\rPID|', '\\X0D\\', '\\X\\', '\\.br\\', '\\E\\', '\\F', 'ED', 'NM', 'Base64'),
  fc.string({ unit: 'binary', maxLength: 4 })
)
const text = fc.string({ unit: piece, maxLength: 40 })

const BASES = [
  oru({ controlId: 'BASE-1', orderNumber: 'VO1', owner: 'Quintana', pet: 'Pimienta', patientId: 'P-1', dob: '20190402', sex: 'FS' }),
  oru({ controlId: 'BASE-2', owner: 'Smith', pet: 'Rex', status: 'C' }) + '\rNTE|1|L|a comment\rNK1|1|Smith^Ann|OWN\rOBX|3|ED|PDF^Report^L||^application^pdf^Base64^JVBERi0xLjQ=||||||F',
  'MSH|^~\\&|LAB|F|VETOS|C|20261128||ACK^O01^ACK|A1|P|2.5\rMSA|AA|C1'
]

type Edit = { at: number; del: number; ins: string }
const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 6 }), ins: piece })
/** A known message with a few characters replaced, dropped or inserted. */
const mutated = fc.tuple(fc.constantFrom(...BASES), fc.array(edit, { maxLength: 6 })).map(([base, edits]) =>
  edits.reduce((s: string, e: Edit) => {
    const at = e.at % (s.length + 1)
    return s.slice(0, at) + e.ins + s.slice(at + e.del)
  }, base)
)
/** An ORU made of random segments after a valid header. */
const randomOru = fc
  .array(fc.tuple(fc.constantFrom('PID', 'NK1', 'ORC', 'OBR', 'OBX', 'NTE', 'PV1', 'ZZ1'), fc.array(fc.oneof(text, fc.constantFrom('', 'NM', 'ED', 'ST', 'F', 'C', 'OWN', '12,5', '<0.1', '1-2', '^application^pdf^Base64^JVBERi0=', '^^^BASE64^')), { maxLength: 26 })), { maxLength: 10 })
  .map((segs) => ['MSH|^~\\&|REFLAB|LAB1|VETOS|C|20261128||ORU^R01|R1|P|2.5', ...segs.map(([name, fields]) => [name, ...fields].join('|'))].join('\r'))
const anyText = fc.oneof(mutated, randomOru, fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ unit: piece, maxLength: 80 }))

/** Parses, or says which documented error came out; anything else is thrown on. */
function parseOrNull(s: string): Hl7Message | null {
  try {
    return Hl7Message.parse(s)
  } catch (e) {
    if (e instanceof Hl7ParseError) return null
    throw e
  }
}

describe('HL7 codec fuzzing', () => {
  it('parses any text into a message or an Hl7ParseError, and what it parsed reads and re-encodes', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const m = parseOrNull(s)
        if (!m) return
        for (const seg of m.segments) for (let n = 0; n < seg.fields.length + 2; n++) seg.get(n, 1 + (n % 3), n % 2, 1)
        expect(typeof m.encode()).toBe('string')
      }),
      { numRuns: 3000, ...BOUND }
    )
  })

  it('escapes any value so that no control character goes out raw and the decoder gives it back exactly', () => {
    fc.assert(
      fc.property(text, text, (a, b) => {
        const escaped = escape(a)
        expect(/[\x00-\x1f\x7f]/.test(escaped)).toBe(false)
        expect(unescape(escaped)).toBe(a)
        // and inside a message: one segment, each component where it was put
        const m = Hl7Message.parse(`${segment('MSH', ['', '', 'APP', '', '', '', '', '', ['ORU', 'R01'], 'C1'])}\r${segment('PID', ['1', '', a, '', [b, a]])}`)
        expect(m.segments.map((x) => x.name)).toEqual(['MSH', 'PID'])
        expect([m.segment('PID')!.get(3), m.segment('PID')!.get(5, 1), m.segment('PID')!.get(5, 2)]).toEqual([a, b, a])
      }),
      { numRuns: 2000, ...BOUND }
    )
  })
})

async function frames(parts: Buffer[], maxFrameBytes?: number): Promise<MllpChunk[]> {
  const out: MllpChunk[] = []
  const framer = new MllpFramer({ maxFrameBytes })
  Readable.from(parts).pipe(framer)
  for await (const c of framer) out.push(c as MllpChunk)
  return out
}

describe('MLLP framer fuzzing', () => {
  it('delivers every good frame, in order, whatever junk surrounds it and however the reads are cut', async () => {
    const body = fc.string({ unit: fc.constantFrom('M', 'S', 'H', '|', '^', '\r', '1', 'é'), minLength: 1, maxLength: 200 }).map((s) => Buffer.from(`MSH|${s}`))
    const junkBytes = fc.oneof(fc.uint8Array({ maxLength: 1500 }), fc.array(fc.constantFrom(0x0b, 0x1c, 0x0d, 0x0a, 0x41), { maxLength: 40 }).map((a) => Uint8Array.from(a)))
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(junkBytes, body), { minLength: 1, maxLength: 8 }), junkBytes, fc.array(fc.nat(), { maxLength: 12 }), async (items, tail, cuts) => {
        const stream = Buffer.concat([...items.flatMap(([junk, b]) => [Buffer.from(junk), frame(b)]), Buffer.from(tail)])
        const at = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((x, y) => x - y)
        const parts = [0, ...at].map((from, k) => stream.subarray(from, k < at.length ? at[k] : stream.length)).filter((p) => p.length > 0)
        // a limit below the largest junk, so junk frames over it are dropped too
        const out = await frames(parts, 1024)
        const messages = out.filter((c) => c.kind === 'message').map((c) => c.data.toString('latin1'))
        let next = 0
        for (const m of messages) if (next < items.length && m === items[next][1].toString('latin1')) next++
        expect(next).toBe(items.length)
      }),
      { numRuns: 400, ...BOUND }
    )
  })
})

describe('ORU reader fuzzing', () => {
  it('reads any parsed message into reports or an Hl7ContentError/Hl7ParseError', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, randomOru), (s) => {
        const m = parseOrNull(s)
        if (!m) return
        try {
          parseOru(m)
        } catch (e) {
          if (!(e instanceof Hl7ContentError) && !(e instanceof Hl7ParseError)) throw e
        }
      }),
      { numRuns: 3000, ...BOUND }
    )
  })
})

describe('the HL7 listener fuzzed end to end', () => {
  let t: Awaited<ReturnType<typeof labApp>>
  beforeAll(async () => {
    t = await labApp(await freePort())
  })
  afterAll(() => (t as TestApp).close())

  it('answers any message with a readable ACK and never throws', () => {
    const codes = new Set<string>()
    let run = 0
    fc.assert(
      fc.property(anyText, (s) => {
        // a control id of its own, or every case after the first would be answered as a resend
        const unique = s.replace(/\|(BASE-[12]|R1)\|P\|/, (_, id: string) => `|${id}-${++run}|P|`)
        const ack = t.app.core.store.tx(() => t.app.services.labs.listener!.receive(Buffer.from(unique, 'utf8'), '127.0.0.1:1'))
        const code = Hl7Message.parse(ack).segment('MSA')!.get(1)
        expect(['AA', 'AE', 'AR']).toContain(code)
        codes.add(code)
      }),
      { numRuns: 400, ...BOUND }
    )
    expect(codes.has('AR')).toBe(true)
  })

  it('stores and acknowledges a good result AA after random and mutated bytes on the same connection', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 800 }), mutated.map((s) => Uint8Array.from(frame(s))), fc.string({ unit: piece, maxLength: 60 }).map((s) => Uint8Array.from(Buffer.from(s)))), async (junk) => {
        const controlId = `FUZZ-GOOD-${++run}`
        const answers = await send(t.hl7Port, [Buffer.from(junk), frame(oru({ controlId, owner: 'Nobody', pet: 'Fuzz' }))], controlId)
        expect(answers.find((a) => a.segment('MSA')!.get(2) === controlId)!.segment('MSA')!.get(1)).toBe('AA')
        const stored = t.app.core.store.sqlite.prepare("SELECT status FROM inbound_messages WHERE control_id = ? AND status = 'processed'").all(controlId)
        expect(stored).toHaveLength(1)
      }),
      { numRuns: 60, ...BOUND }
    )
  })
})

/** Writes payloads on one connection and collects answers until one acknowledges controlId. */
function send(port: number, payloads: Buffer[], controlId: string): Promise<Hl7Message[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port })
    const framer = new MllpFramer()
    const answers: Hl7Message[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`no answer for ${controlId} (${answers.length} others)`))
    }, 5000)
    socket.pipe(framer)
    framer.on('data', (c: MllpChunk) => {
      if (c.kind !== 'message') return
      const ack = Hl7Message.parse(c.data.toString('utf8'))
      answers.push(ack)
      if (ack.segment('MSA')?.get(2) === controlId) {
        clearTimeout(timer)
        socket.destroy()
        resolve(answers)
      }
    })
    socket.on('error', reject)
    socket.on('connect', () => payloads.forEach((p) => socket.write(p)))
  })
}
