import { describe, expect, it } from 'vitest'
import { Readable } from 'node:stream'
import { Hl7Message, Hl7ParseError, escape, parseHl7Time, segment, unescape } from '../../src-main/hl7/codec'
import { MllpFramer, frame, type MllpChunk } from '../../src-main/hl7/mllp'

const ORU = [
  'MSH|^~\\&|REFLAB|LAB1|VETOS|CLINIC|20261128093000||ORU^R01^ORU_R01|CTRL-1|P|2.5',
  'PID|1||PAT-1||Smith^Bella||20200301|F',
  'OBR|1|VO123|F-9|CBC^Complete blood count|||20261128080000||||||||||||||||F',
  'OBX|1|NM|WBC^White cells^L||12.5|10*9/L|6.0-17.0|N|||F',
  'OBX|2|ST|COMMENT^Comment^L||Mild \\T\\ early \\E\\F\\E\\ here||||||F'
].join('\r')

describe('HL7 v2 codec', () => {
  it('reads fields, components and the MSH header', () => {
    const m = Hl7Message.parse(ORU)
    expect([m.type, m.trigger, m.controlId, m.sendingApplication, m.version]).toEqual(['ORU', 'R01', 'CTRL-1', 'REFLAB', '2.5'])
    const pid = m.segment('PID')!
    expect([pid.get(5, 1), pid.get(5, 2), pid.get(7)]).toEqual(['Smith', 'Bella', '20200301'])
    expect(m.all('OBX').map((o) => o.get(3))).toEqual(['WBC', 'COMMENT'])
  })

  it('decodes escapes in one left-to-right scan', () => {
    const obx = Hl7Message.parse(ORU).all('OBX')[1]
    expect(obx.get(5)).toBe('Mild & early \\F\\ here')
    expect(unescape('a\\X41\\b\\.br\\c')).toBe('aAb\nc')
  })

  it('escapes the escape character first when encoding', () => {
    expect(escape('50|50 ^ a\\b & c~d')).toBe('50\\F\\50 \\S\\ a\\E\\b \\T\\ c\\R\\d')
    expect(unescape(escape('x\\F\\y'))).toBe('x\\F\\y')
  })

  it('accepts LF and CRLF segment ends and re-encodes with CR only', () => {
    const m = Hl7Message.parse(ORU.replace(/\r/g, '\r\n'))
    expect(m.encode()).toBe(ORU + '\r')
  })

  it('builds segments with escaped components and no trailing delimiters', () => {
    expect(segment('PID', ['1', '', 'P-1', '', ['Smith|Jones', 'Rex'], ''])).toBe('PID|1||P-1||Smith\\F\\Jones^Rex')
    expect(segment('MSH', ['', '', 'VETOS', 'CLINIC'])).toBe('MSH|^~\\&|VETOS|CLINIC')
  })

  it('names what is wrong with a malformed message', () => {
    expect(() => Hl7Message.parse('')).toThrow(Hl7ParseError)
    expect(() => Hl7Message.parse('PID|1||x')).toThrow(/does not start with an MSH/)
    expect(() => Hl7Message.parse('MSH|^~\\&|A|B|C|D|2026||ORU^R01||P|2.5')).toThrow(/MSH-10/)
    expect(() => Hl7Message.parse('MSH|^~\\&|A|B|C|D|2026||ORU^R01|1|P|2.5\rbad segment')).toThrow(/no valid name/)
  })

  it('reads HL7 times as UTC', () => {
    expect(parseHl7Time('20261128093000')).toBe('2026-11-28T09:30:00.000Z')
    expect(parseHl7Time('20261128093000-0600')).toBe('2026-11-28T15:30:00.000Z')
    expect(parseHl7Time('20261128')).toBe('2026-11-28T00:00:00.000Z')
    expect(parseHl7Time('soon')).toBeNull()
  })
})

async function chunks(parts: Buffer[], opts?: { maxFrameBytes?: number }): Promise<MllpChunk[]> {
  const out: MllpChunk[] = []
  const framer = new MllpFramer(opts)
  Readable.from(parts).pipe(framer)
  for await (const c of framer) out.push(c as MllpChunk)
  return out
}

describe('MLLP framer', () => {
  it('joins a frame split across reads and splits several frames in one read', async () => {
    const a = frame('MSH|one')
    const b = frame('MSH|two')
    const c = frame('MSH|three')
    const stream = Buffer.concat([a, b, c])
    const out = await chunks([stream.subarray(0, 3), stream.subarray(3, a.length + 5), stream.subarray(a.length + 5)])
    expect(out.map((x) => x.kind === 'message' && x.data.toString())).toEqual(['MSH|one', 'MSH|two', 'MSH|three'])
  })

  it('splits the end marker across reads', async () => {
    const f = frame('MSH|x')
    const out = await chunks([f.subarray(0, f.length - 1), f.subarray(f.length - 1)])
    expect(out).toEqual([{ kind: 'message', data: Buffer.from('MSH|x') }])
  })

  it('reports junk between frames and still delivers the next good message', async () => {
    const out = await chunks([Buffer.from('GET / HTTP/1.1\r\n\r\n'), frame('MSH|good')])
    expect(out[0]).toMatchObject({ kind: 'junk', reason: 'bytes outside an MLLP frame' })
    expect(out[1]).toEqual({ kind: 'message', data: Buffer.from('MSH|good') })
  })

  it('drops an oversize frame, says so, and recovers', async () => {
    const big = frame('MSH|' + 'x'.repeat(5000))
    const out = await chunks([big, frame('MSH|after')], { maxFrameBytes: 1000 })
    expect(out[0]).toMatchObject({ kind: 'junk', reason: expect.stringMatching(/over 1000 bytes/) })
    expect(out[1]).toEqual({ kind: 'message', data: Buffer.from('MSH|after') })
  })

  it('reports a frame that a new start block interrupts, and a frame cut off at the end', async () => {
    const out = await chunks([Buffer.from('\x0bMSH|cut'), frame('MSH|next'), Buffer.from('\x0bMSH|trunc')])
    expect(out.map((c) => c.kind)).toEqual(['junk', 'message', 'junk'])
    expect(out[0]).toMatchObject({ reason: expect.stringMatching(/started before/) })
    expect(out[2]).toMatchObject({ reason: expect.stringMatching(/ended in the middle/), data: Buffer.from('MSH|trunc') })
  })

  it('rejects a nonsensical size limit', () => {
    expect(() => new MllpFramer({ maxFrameBytes: 0 })).toThrow(TypeError)
  })
})
