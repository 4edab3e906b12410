/**
 * What microchip scanners print, over RS-232, USB-serial or as a keyboard wedge, turned into the
 * chip numbers VetOS already reads (core/microchip.ts: parseMicrochip is the one normaliser).
 *
 * The outputs seen in scanner manuals and in the field:
 * - bare ISO 11784/11785 FDX-B/HDX: "985141000123456", or split after the country/manufacturer
 *   code: "985 141000123456", "985.141000123456", "985_141000123456";
 * - a type prefix: "FDX-B 985141000123456", "FDXB:985…", "ISO 985…", "HDX 982…";
 * - Allflex/TIRIS line mode: "LA 982 000001088420", and the TIRIS S2000 form with the reserved
 *   field and data-block flag "LA 00000 0 982 000001088420";
 * - the dotted hex form "3E7.1CBE991A14" (country code and national id in hex);
 * - FDX-A/FECAVA: 10 hex characters "0A12345678", sometimes prefixed "FDX-A" or "FECAVA";
 * - AVID encrypted: "AVID*012*345*678" (9 digits);
 * - older 10-digit or hex numbers, kept as read;
 * - line endings CR, LF or CRLF, some scanners framing each read in STX … ETX; a scanner with a
 *   memory sends its stored reads at once ("down-stream"), one per line, sometimes numbered
 *   ("001 985141000123456", "1: 985…", "3,985…,2024-05-01 10:22") or with a date and time.
 * Anything else is kept as read, reported as unreadable, and never throws.
 */
import { MicrochipError, parseMicrochip, type Microchip } from '../core/microchip'

export interface ScanRead {
  /** the line as the scanner sent it, control characters removed */
  raw: string
  /** the chip it names, normalised as VetOS does; null when the line names none */
  chip: Microchip | null
  /** why no chip was read, in plain words */
  error: string | null
}

/** A line longer than this is noise (or a scanner left streaming without a line end): it is cut. */
export const MAX_LINE = 256

const STX = 0x02
const ETX = 0x03

/**
 * Splits a scanner's byte stream into lines: CR, LF, CRLF and ETX end a line, STX starts one
 * (dropping anything half-read before it), other control bytes and non-ASCII noise are dropped.
 * A read split across several chunks is put back together.
 */
export class ScanLineSplitter {
  private buf: number[] = []
  /** framing 'stx-etx': only what sits between STX and ETX is a read (noise between frames is ignored) */
  private inFrame = false

  constructor(private readonly framing: 'auto' | 'stx-etx' = 'auto') {}

  push(chunk: Buffer | Uint8Array | string): string[] {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk
    const lines: string[] = []
    const end = () => {
      if (this.buf.length) lines.push(String.fromCharCode(...this.buf))
      this.buf = []
    }
    for (const b of bytes) {
      if (b === STX) {
        this.buf = []
        this.inFrame = true
      } else if (b === ETX) {
        if (this.framing === 'auto' || this.inFrame) end()
        this.buf = []
        this.inFrame = false
      } else if (b === 0x0d || b === 0x0a) {
        if (this.framing === 'auto') end()
        // inside a frame a line break separates reads too (a memory dump framed as one block)
        else if (this.inFrame) end()
      } else if (b >= 0x20 && b < 0x7f) {
        if (this.framing === 'stx-etx' && !this.inFrame) continue
        if (this.buf.length < MAX_LINE) this.buf.push(b)
      }
      // other control bytes, NULs and bytes over 0x7e are noise on a serial line: dropped
    }
    return lines
  }

  /** what is waiting for its line end (a scanner unplugged mid-read); cleared */
  flush(): string[] {
    const rest = this.buf.length ? [String.fromCharCode(...this.buf)] : []
    this.buf = []
    this.inFrame = false
    return rest
  }
}

const tryChip = (text: string): Microchip | null => {
  try {
    const chip = parseMicrochip(text)
    // A number of no known system is kept as read, but a scanner's words ("NO TAG FOUND") are not a chip.
    if (chip.type === 'unknown' && chip.normalized.replace(/\D/g, '').length * 2 < chip.normalized.length) return null
    return chip
  } catch (e) {
    if (e instanceof MicrochipError) return null
    throw e
  }
}

// Ordered from the most to the least specific; each captures the chip's text.
const PATTERNS: RegExp[] = [
  // TIRIS S2000 line mode: LA <reserved 5> <data-block flag> <country 3> <national 12>
  /\bLA[\s_]+\d{5}[\s_]+\d[\s_]+(\d{3}[\s_]?\d{12})(?!\d)/i,
  // Allflex line mode: LA 982 000001088420
  /\bLA[\s_]+(\d{3}[\s_]?\d{12})(?!\d)/i,
  // AVID encrypted, after the word (a bare 9-digit number is read whole, above)
  /\b(AVID[\s*:]*\d{3}[\s*]?\d{3}[\s*]?\d{3})(?!\d)/i,
  // a type prefix before any chip: FDX-B 985…, FDXB:985…, ISO 985…, HDX …, FDX-A 0A12…, FECAVA …
  /\b((?:FDX-?[AB]|HDX|ISO|FECAVA)[\s:]*[0-9A-F][0-9A-F.\s_]{4,18}[0-9A-F])(?![0-9A-F])/i,
  // ISO 15 digits, whole or split after the country code by a space, dot or underscore
  /(?<![\d.])(\d{3}[\s._]?\d{12})(?![\d.])/,
  // the dotted hex form: 3E7.1CBE991A14
  /(?<![0-9A-F])([0-9A-F]{3}\.[0-9A-F]{1,10})(?![0-9A-F])/i
]

/** A line that is nothing but a chip (the common case), or the chip inside a numbered or dated memory line. */
export function parseScanLine(line: string): ScanRead {
  // eslint-disable-next-line no-control-regex
  const raw = line.replace(/[\u0000-\u001f\u007f-\uffff]/g, '').trim()
  if (!raw) return { raw, chip: null, error: 'the scanner sent an empty line' }
  if (raw.length > 64) return { raw: raw.slice(0, MAX_LINE), chip: null, error: 'the scanner sent a line too long to be a microchip number' }
  // The whole line first: a bare number of a known system, as most scanners print it.
  const whole = tryChip(raw)
  if (whole && whole.type !== 'unknown') return { raw, chip: whole, error: null }
  for (const re of PATTERNS) {
    const m = re.exec(raw)
    const chip = m && tryChip(m[1])
    if (chip && chip.type !== 'unknown') return { raw, chip, error: null }
  }
  // A numbered memory line ("001 0A12345678", "12: 123456789"): the index, then the chip.
  const numberedMatch = /^\d{1,4}\s*[:,;.)\t ]\s*([0-9A-Z*.\s_-]{6,30}?)(?:\s*[,;\t].*)?$/i.exec(raw)
  const numbered = numberedMatch && tryChip(numberedMatch[1])
  if (numbered && numbered.type !== 'unknown') return { raw, chip: numbered, error: null }
  // Then a number of no known system, kept as read.
  const chip = whole ?? numbered
  if (chip) return { raw, chip, error: null }
  return { raw, chip: null, error: `"${raw}" is not a microchip number this scanner format is known for` }
}

/** Every read in a block of scanner output (a memory "down-stream" of several reads at once). */
export function parseScanOutput(text: string | Buffer, framing: 'auto' | 'stx-etx' = 'auto'): ScanRead[] {
  const splitter = new ScanLineSplitter(framing)
  return [...splitter.push(text), ...splitter.flush()].map(parseScanLine)
}
