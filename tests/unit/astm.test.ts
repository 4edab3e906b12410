import { describe, expect, it } from 'vitest'
import { ACK, ENQ, EOT, NAK, STX, buildFrame, checkFrame, checksum, toFrames } from '../../src-main/astm/frames'
import { AstmLink, type LinkTimers } from '../../src-main/astm/link'
import { headerRecord, readTransmission, record } from '../../src-main/astm/records'

const FAST: LinkTimers = { establishMs: 300, frameAckMs: 300, receiveMs: 400, busyRetryMs: 50, contentionMs: 50, maxRetries: 6 }

describe('ASTM E1381 frames', () => {
  it('computes the checksum over FN through ETX, as two uppercase hex digits', () => {
    // "1H|\^&<CR><ETX>": a well-known example frame
    const frame = buildFrame(1, Buffer.from('H|\\^&\r'), true)
    expect(frame.toString('latin1')).toBe('\x021H|\\^&\r\x0303\r\n'.replace('03\r\n', `${checksum(Buffer.from('1H|\\^&\r\x03'))}\r\n`))
    expect(checkFrame(frame)).toMatchObject({ ok: true, fn: 1, last: true })
  })

  it('splits long records over ETB frames of at most 240 characters, numbering 1..7,0,1', () => {
    const frames = toFrames(['R|1|' + 'x'.repeat(600), 'L|1|N'])
    expect(frames.map((f) => f[1] - 0x30)).toEqual([1, 2, 3, 4])
    expect(frames.map((f) => checkFrame(f)).map((c) => c.ok && c.last)).toEqual([false, false, true, true])
    expect(frames.every((f) => f.length <= 247)).toBe(true)
  })

  it('rejects a wrong checksum and names it', () => {
    const f = buildFrame(2, Buffer.from('R|1|^^^GLU|98\r'), true)
    f[f.length - 3] = 0x30
    expect(checkFrame(f)).toMatchObject({ ok: false, reason: expect.stringMatching(/checksum/) })
  })
})

/** Two links joined by a wire; the tamper hook can damage bytes going from a to b. */
function pair(tamper?: (bytes: Buffer) => Buffer | null) {
  const got: Buffer[] = []
  const frames: string[] = []
  const wire: { a: AstmLink | null; b: AstmLink | null } = { a: null, b: null }
  const a = new AstmLink('instrument', { write: (x) => setImmediate(() => { const t = tamper ? tamper(x) : x; if (t) wire.b!.feed(t) }), onMessage: () => {} }, FAST)
  const b = new AstmLink('host', { write: (x) => setImmediate(() => wire.a!.feed(x)), onFrame: (t) => void frames.push(t.toString('latin1')), onMessage: (t) => void got.push(t) }, FAST)
  wire.a = a
  wire.b = b
  return { a, b, got, frames }
}

const RESULT = [headerRecord('VETSCAN^1.0^SN42', new Date('2026-11-28T09:00:00Z')), 'P|1||PAT-1||Smith^Rex', 'O|1|ORD-9||^^^CHEM', 'R|1|^^^GLU|98|mg/dL|74-143|N||F', 'L|1|N']

describe('ASTM E1381 link', () => {
  it('delivers a transmission from ENQ to EOT', async () => {
    const { a, got } = pair()
    await a.send(RESULT)
    await new Promise((r) => setTimeout(r, 20))
    expect(got.map((g) => g.toString('latin1').split('\r').filter(Boolean))).toEqual([RESULT])
  })

  it('NAKs a damaged frame and accepts its retransmission', async () => {
    let damaged = 0
    const { a, got } = pair((x) => {
      if (x[0] === STX && damaged === 0 && x.toString('latin1').includes('GLU')) {
        damaged++
        const bad = Buffer.from(x)
        bad[bad.length - 4] ^= 0x01
        return bad
      }
      return x
    })
    await a.send(RESULT)
    await new Promise((r) => setTimeout(r, 20))
    expect(damaged).toBe(1)
    expect(got).toHaveLength(1)
    expect(got[0].toString('latin1')).toContain('R|1|^^^GLU|98')
  })

  it('NAKs an out-of-sequence frame number', async () => {
    const writes: number[] = []
    const link = new AstmLink('host', { write: (x) => writes.push(...x), onMessage: () => {} }, FAST)
    link.feed(Buffer.of(ENQ))
    await new Promise((r) => setTimeout(r, 5))
    link.feed(buildFrame(3, Buffer.from('H|\\^&\r'), true))
    await new Promise((r) => setTimeout(r, 5))
    link.feed(buildFrame(1, Buffer.from('H|\\^&\r'), true))
    await new Promise((r) => setTimeout(r, 5))
    expect(writes).toEqual([ACK, NAK, ACK])
    link.close()
  })

  it('acknowledges and discards a repeated frame (its ACK was lost)', async () => {
    const texts: string[] = []
    const link = new AstmLink('host', { write: () => {}, onMessage: (t) => void texts.push(t.toString('latin1')) }, FAST)
    const frames = toFrames(['H|\\^&', 'L|1|N'])
    link.feed(Buffer.of(ENQ))
    link.feed(frames[0])
    link.feed(frames[0])
    link.feed(frames[1])
    link.feed(Buffer.of(EOT))
    await new Promise((r) => setTimeout(r, 10))
    expect(texts).toEqual(['H|\\^&\rL|1|N\r'])
  })

  it('gives up after six refusals of the same frame', async () => {
    const { a } = pair((x) => (x[0] === STX ? Buffer.concat([x.subarray(0, 3), Buffer.from('##'), x.subarray(5)]) : x))
    await expect(a.send(RESULT)).rejects.toThrow(/refused 6 times/)
  })

  it('discards a partial transmission after the receive timeout', async () => {
    const aborts: string[] = []
    const texts: Buffer[] = []
    const link = new AstmLink('host', { write: () => {}, onMessage: (t) => void texts.push(t), onAbort: (r) => void aborts.push(r) }, FAST)
    link.feed(Buffer.of(ENQ))
    link.feed(toFrames(['H|\\^&'])[0])
    await new Promise((r) => setTimeout(r, 600))
    expect(aborts[0]).toMatch(/partial transmission was discarded/)
    expect(texts).toEqual([])
  })

  it('lets the instrument win contention; the host sends after it', async () => {
    const { a, b, got } = pair()
    const hostGot: string[] = []
    ;(a as unknown as { hooks: { onMessage: (t: Buffer) => void } }).hooks.onMessage = (t) => void hostGot.push(t.toString('latin1'))
    const fromHost = b.send([headerRecord('VETOS', new Date()), 'L|1|N'])
    const fromInstrument = a.send(RESULT)
    await Promise.all([fromHost, fromInstrument])
    await new Promise((r) => setTimeout(r, 20))
    expect(got).toHaveLength(1)
    expect(hostGot).toHaveLength(1)
  })
})

describe('ASTM E1394 records', () => {
  it('reads results with the delimiters the header declares', () => {
    const text = ['H|@^\\|||GeneXpert', 'P|1|P-7|||Okafor^Milo||20190101|M', 'O|1|SAMPLE-1||^^^CBC', 'R|1|^^^WBC|12.5|10*9/L|6.0 to 17.0|N||F||||20261128090000|XPERT-1', 'R|2|^^^HCT|29|%|37-55|L||F', 'L|1|N'].join('\r')
    const t = readTransmission(text)
    expect(t.sender).toBe('GeneXpert')
    expect(t.reports[0]).toMatchObject({ orderNumber: 'SAMPLE-1', identifiers: { patientId: 'P-7', ownerLastName: 'Okafor', petName: 'Milo', dateOfBirth: '2019-01-01', sex: 'M' } })
    expect(t.reports[0].observations.map((o) => [o.code, o.valueNum, o.refLow, o.refHigh, o.flag, o.instrument])).toEqual([
      ['WBC', 12.5, 6, 17, 'N', 'XPERT-1'],
      ['HCT', 29, 37, 55, 'L', null]
    ])
  })

  it('reads a host query', () => {
    expect(readTransmission('H|\\^&\rQ|1|^SAMPLE-9||ALL\rL|1|N').query).toEqual({ sampleIds: ['SAMPLE-9'] })
  })

  it('escapes delimiters inside values when building records', () => {
    expect(record(['P', 1, '', 'id|1', '', ['Smith^Jr', 'Rex']])).toBe('P|1||id&F&1||Smith&S&Jr^Rex')
  })

  it('refuses a transmission without header or terminator', () => {
    expect(() => readTransmission('P|1\rL|1')).toThrow(/H record/)
    expect(() => readTransmission('H|\\^&\rP|1')).toThrow(/L \(terminator\)/)
  })
})
