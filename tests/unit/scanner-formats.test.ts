/**
 * What handheld microchip scanners print (over serial, USB-serial or as a keyboard wedge), read
 * into the chip numbers VetOS stores. Every format a clinic's scanner may be set to, split across
 * chunks as a serial port delivers it, and the garbage a loose cable produces.
 */
import { describe, expect, it } from 'vitest'
import { parseMicrochip } from '../../src-main/core/microchip'
import { MAX_LINE, ScanLineSplitter, parseScanLine, parseScanOutput } from '../../src-main/scanners/formats'
import { WedgeDetector } from '../../src-renderer/src/scan/burst'

const chipOf = (line: string) => {
  const r = parseScanLine(line)
  return r.chip ? { normalized: r.chip.normalized, type: r.chip.type } : { error: r.error }
}

describe('a scanner line names the chip VetOS stores', () => {
  it.each([
    ['985141000123456', '985141000123456'],
    ['985 141000123456', '985141000123456'],
    ['985.141000123456', '985141000123456'],
    ['985_141000123456', '985141000123456'],
    ['985 141 000 123 456', '985141000123456'],
    ['FDX-B 985141000123456', '985141000123456'],
    ['FDXB:985141000123456', '985141000123456'],
    ['FDX-B: 985 141000123456', '985141000123456'],
    ['ISO 985141000123456', '985141000123456'],
    ['HDX 982000001088420', '982000001088420'],
    // Allflex line mode, and the TIRIS S2000 form with the reserved field and data-block flag
    ['LA 982 000001088420', '982000001088420'],
    ['LA_982_000001088420', '982000001088420'],
    ['LA 00000 0 982 000001088420', '982000001088420'],
    // the dotted hex form: 0x3E7 = 999, 0x1CBE991A14 = 123456789012
    ['3E7.1CBE991A14', '999123456789012']
  ])('ISO: %j', (line, normalized) => {
    expect(chipOf(line)).toEqual({ normalized, type: 'iso' })
  })

  it.each([
    ['0A12345678', '0A12345678'],
    ['0a12345678', '0A12345678'],
    ['FDX-A 0A12345678', '0A12345678'],
    ['FECAVA 0A12345678', '0A12345678'],
    // a 10-digit legacy number is read as 10 characters, never forced into 15
    ['0006123456', '0006123456']
  ])('FDX-A / FECAVA: %j', (line, normalized) => {
    expect(chipOf(line)).toEqual({ normalized, type: 'fdx-a' })
  })

  it.each([
    ['AVID*012*345*678', '012345678'],
    ['AVID 012 345 678', '012345678'],
    ['012*345*678', '012345678'],
    ['012345678', '012345678']
  ])('AVID: %j', (line, normalized) => {
    expect(chipOf(line)).toEqual({ normalized, type: 'avid' })
  })

  it('keeps a number of no known system as read (other formats are not forced into ISO)', () => {
    expect(chipOf('12345678901')).toEqual({ normalized: '12345678901', type: 'unknown' })
  })

  it('finds the chip in a scanner memory line: numbered, dated, or with columns', () => {
    expect(chipOf('001 985141000123456')).toEqual({ normalized: '985141000123456', type: 'iso' })
    expect(chipOf('12: 012345678')).toEqual({ normalized: '012345678', type: 'avid' })
    expect(chipOf('3,985141000123456,2024-05-01 10:22:33')).toEqual({ normalized: '985141000123456', type: 'iso' })
    expect(chipOf('2024-05-01 10:22:33 FDX-B 985 141000123456')).toEqual({ normalized: '985141000123456', type: 'iso' })
    expect(chipOf('0007 0A12345678')).toEqual({ normalized: '0A12345678', type: 'fdx-a' })
  })

  it('reads a chip the way the patient form does (one normaliser)', () => {
    for (const line of ['FDX-B 985 141 000 123 456', 'AVID*012*345*678', '985.141000123456', '3E7.1CBE991A14', 'FDXB:985141000123456']) {
      expect(parseScanLine(line).chip?.normalized).toBe(parseMicrochip(line).normalized)
    }
  })
})

describe('garbage never throws and names no chip', () => {
  it.each(['NO TAG FOUND', 'ERROR', 'hello world', '12', '???', '-----', 'LOW BATTERY', '9851410001234567890123'])('%j', (line) => {
    const r = parseScanLine(line)
    expect(r.chip).toBeNull()
    expect(r.error).toMatch(/.+/)
  })

  it('reports an empty line and a line too long to be a chip', () => {
    expect(parseScanLine('').error).toMatch(/empty/)
    expect(parseScanLine('9'.repeat(200)).error).toMatch(/too long/)
  })

  it('survives random binary noise and still reads the chip that follows it', () => {
    let seed = 7
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const noise = Buffer.from(Array.from({ length: 5000 }, () => Math.floor(rand() * 256)))
    const splitter = new ScanLineSplitter()
    const lines = [...splitter.push(noise), ...splitter.push('\r\n985141000123456\r\n')]
    expect(() => lines.map(parseScanLine)).not.toThrow()
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(MAX_LINE)
    expect(parseScanLine(lines[lines.length - 1]).chip?.normalized).toBe('985141000123456')
  })
})

describe('splitting a serial stream into reads', () => {
  it.each([
    ['CR', '\r'],
    ['LF', '\n'],
    ['CRLF', '\r\n']
  ])('ends a read at %s', (_name, eol) => {
    const s = new ScanLineSplitter()
    expect(s.push(`985141000123456${eol}0A12345678${eol}`)).toEqual(['985141000123456', '0A12345678'])
  })

  it('puts a read split across chunks back together, and waits for its end', () => {
    const s = new ScanLineSplitter()
    expect(s.push('985 14100')).toEqual([])
    expect(s.push('0123')).toEqual([])
    expect(s.push('456\r')).toEqual(['985 141000123456'])
    // the LF of a CRLF split from its CR makes no empty read
    expect(s.push('\n')).toEqual([])
  })

  it('reads STX … ETX frames, dropping a half frame an STX interrupts', () => {
    const s = new ScanLineSplitter()
    expect(s.push('\x02985141000\x02FDX-B 985141000123456\x03\x02AVID*012*345*678\x03')).toEqual(['FDX-B 985141000123456', 'AVID*012*345*678'])
  })

  it('with framing stx-etx, ignores what is outside the frames', () => {
    const s = new ScanLineSplitter('stx-etx')
    expect(s.push('boot v1.2\r\n\x020A12345678\x03\r\nREADY\r\n')).toEqual(['0A12345678'])
  })

  it('reads a memory down-stream of several reads at once', () => {
    const dump = '\x02001 985141000123456\r\n002 985141000654321\r\n003 AVID*012*345*678\r\n004 NO READ\r\n\x03'
    const reads = parseScanOutput(dump)
    expect(reads.map((r) => r.chip?.normalized ?? null)).toEqual(['985141000123456', '985141000654321', '012345678', null])
  })

  it('drops NULs and other control bytes inside a line', () => {
    const s = new ScanLineSplitter()
    expect(s.push(Buffer.from([0x00, 0x39, 0x38, 0x35, 0x07, 0x31, 0x34, 0x31, 0x30, 0x30, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x0d]))).toEqual(['985141000123456'])
  })

  it('keeps what was waiting for its line end when asked (a scanner unplugged mid-read)', () => {
    const s = new ScanLineSplitter()
    s.push('985141')
    expect(s.flush()).toEqual(['985141'])
    expect(s.flush()).toEqual([])
  })
})

describe('a keyboard-wedge burst told from typing (the renderer’s detector)', () => {
  const feed = (keys: string[], gapMs: number, enterGapMs = gapMs) => {
    const d = new WedgeDetector()
    let t = 1000
    for (const k of keys) {
      expect(d.key(k, t)).toBeNull()
      t += gapMs
    }
    return d.key('Enter', t - gapMs + enterGapMs)
  }

  it('takes keys at scanner speed ending in Enter as a scan', () => {
    expect(feed([...'985141000123456'], 8)).toBe('985141000123456')
    // Shift held for "*" neither counts nor breaks the burst
    expect(feed(['Shift', ...'AVID', 'Shift', '*', ...'012'], 5)).toBe('AVID*012')
  })

  it('leaves a person typing alone, even a fast typist', () => {
    expect(feed([...'985141000123456'], 90)).toBeNull()
  })

  it('needs enough keys to be a chip', () => {
    expect(feed([...'12345'], 5)).toBeNull()
  })

  it('is not broken by one late key (the page busy), but is by a pause or an editing key', () => {
    const d = new WedgeDetector()
    const keys = [...'985141000123456']
    keys.forEach((k, i) => d.key(k, i * 8 + (i >= 5 ? 200 : 0)))
    expect(d.key('Enter', 14 * 8 + 208)).toBe('985141000123456')
    const e = new WedgeDetector()
    ;[...'985141'].forEach((k, i) => e.key(k, i * 8))
    e.key('Backspace', 50)
    ;[...'00012'].forEach((k, i) => e.key(k, 60 + i * 8))
    expect(e.key('Enter', 100)).toBeNull()
  })
})
