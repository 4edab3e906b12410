/**
 * HL7 v2 encoding rules: segments split on CR (LF and CRLF accepted on input), fields on MSH-1,
 * components, repetitions and subcomponents on MSH-2. Values are kept escaped in the segment
 * and decoded only when read, so re-encoding a received message gives back its bytes.
 */
export class Hl7ParseError extends Error {
  constructor(
    message: string,
    /** the HL7 error location, e.g. "MSH^1^9", for the ERR segment */
    readonly location = ''
  ) {
    super(message)
  }
}

export interface Encoding {
  field: string
  component: string
  repetition: string
  escape: string
  subcomponent: string
}

export const DEFAULT_ENCODING: Encoding = { field: '|', component: '^', repetition: '~', escape: '\\', subcomponent: '&' }

/** Decodes escape sequences in one left-to-right scan, so "\E\F\E\" becomes the literal "\F\". */
export function unescape(value: string, enc: Encoding = DEFAULT_ENCODING): string {
  const e = enc.escape
  if (!value.includes(e)) return value
  let out = ''
  let i = 0
  while (i < value.length) {
    const c = value[i]
    if (c !== e) {
      out += c
      i++
      continue
    }
    const end = value.indexOf(e, i + 1)
    if (end < 0) {
      out += value.slice(i)
      break
    }
    const seq = value.slice(i + 1, end)
    switch (seq) {
      case 'F': out += enc.field; break
      case 'S': out += enc.component; break
      case 'T': out += enc.subcomponent; break
      case 'R': out += enc.repetition; break
      case 'E': out += enc.escape; break
      case '.br': out += '\n'; break
      default:
        if (/^X([0-9A-Fa-f]{2})+$/.test(seq)) out += Buffer.from(seq.slice(1), 'hex').toString('latin1')
        else out += e + seq + e // unknown sequences are kept as they came
    }
    i = end + 1
  }
  return out
}

/**
 * Escapes a value for sending: the escape character first, then the delimiters. No control
 * character goes out raw (a CR ends a segment, VT and FS are MLLP framing): a line feed is the
 * line break \.br\, every other C0 control and DEL is a hex escape (\X0D\), so unescape() gives
 * back exactly the value that was escaped.
 */
export function escape(value: string, enc: Encoding = DEFAULT_ENCODING): string {
  let out = ''
  for (const c of value) {
    if (c === enc.escape) out += `${enc.escape}E${enc.escape}`
    else if (c === enc.field) out += `${enc.escape}F${enc.escape}`
    else if (c === enc.component) out += `${enc.escape}S${enc.escape}`
    else if (c === enc.subcomponent) out += `${enc.escape}T${enc.escape}`
    else if (c === enc.repetition) out += `${enc.escape}R${enc.escape}`
    else if (c === '\n') out += `${enc.escape}.br${enc.escape}`
    else if (c < ' ' || c === '\x7f') out += `${enc.escape}X${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}${enc.escape}`
    else out += c
  }
  return out
}

/** The i-th (0-based) piece of text split at sep, without building the array (results parse hot path). */
function piece(text: string, sep: string, i: number): string {
  let start = 0
  for (let k = 0; k < i; k++) {
    const at = text.indexOf(sep, start)
    if (at < 0) return ''
    start = at + 1
  }
  const end = text.indexOf(sep, start)
  return end < 0 ? text.slice(start) : text.slice(start, end)
}

export class Hl7Segment {
  constructor(
    readonly name: string,
    /** raw (escaped) fields; index n is field n (for MSH, index 1 is MSH-1, the field separator) */
    readonly fields: string[],
    readonly enc: Encoding
  ) {}

  /** Raw text of field n, '' when absent. */
  raw(n: number): string {
    return this.fields[n] ?? ''
  }

  /** Decoded value of field n, component c (1-based), repetition r (0-based), subcomponent s (1-based). */
  get(n: number, c = 1, r = 0, s = 1): string {
    if (this.name === 'MSH' && (n === 1 || n === 2)) return this.raw(n)
    const rep = piece(this.raw(n), this.enc.repetition, r)
    const comp = piece(rep, this.enc.component, c - 1)
    return unescape(piece(comp, this.enc.subcomponent, s - 1), this.enc)
  }

  /** Every repetition of field n, decoded at component c. */
  repetitions(n: number, c = 1): string[] {
    const raw = this.raw(n)
    if (!raw) return []
    return raw.split(this.enc.repetition).map((rep) => unescape(rep.split(this.enc.component)[c - 1] ?? '', this.enc))
  }

  encode(): string {
    if (this.name === 'MSH') return `MSH${this.enc.field}${this.fields.slice(2).join(this.enc.field)}`
    return [this.name, ...this.fields.slice(1)].join(this.enc.field)
  }
}

export class Hl7Message {
  constructor(
    readonly segments: Hl7Segment[],
    readonly enc: Encoding = DEFAULT_ENCODING
  ) {}

  static parse(text: string): Hl7Message {
    const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '')
    if (lines.length === 0) throw new Hl7ParseError('The message is empty', 'MSH')
    const msh = lines[0]
    if (!msh.startsWith('MSH') || msh.length < 8) throw new Hl7ParseError('The message does not start with an MSH segment', 'MSH')
    const fieldSep = msh[3]
    const encChars = msh.slice(4, msh.indexOf(fieldSep, 4) < 0 ? undefined : msh.indexOf(fieldSep, 4))
    if (encChars.length < 4 || /[A-Za-z0-9]/.test(fieldSep + encChars)) throw new Hl7ParseError('MSH-1/MSH-2 do not declare usable delimiters', 'MSH^1^2')
    const enc: Encoding = { field: fieldSep, component: encChars[0], repetition: encChars[1], escape: encChars[2], subcomponent: encChars[3] }
    const segments = lines.map((line, i) => {
      const parts = line.split(fieldSep)
      const name = parts[0]
      if (!/^[A-Z][A-Z0-9]{2}$/.test(name)) throw new Hl7ParseError(`Segment ${i + 1} has no valid name ("${name.slice(0, 10)}")`, `${name}`)
      // MSH: parts[1] is MSH-2, so shift by one and put the field separator in MSH-1.
      const fields = name === 'MSH' && i === 0 ? ['MSH', fieldSep, ...parts.slice(1)] : parts
      return new Hl7Segment(name, fields, enc)
    })
    const m = new Hl7Message(segments, enc)
    if (!m.controlId) throw new Hl7ParseError('MSH-10 (message control id) is empty', 'MSH^1^10')
    if (!m.type) throw new Hl7ParseError('MSH-9 (message type) is empty', 'MSH^1^9')
    return m
  }

  get msh(): Hl7Segment {
    return this.segments[0]
  }
  get type(): string {
    return this.msh.get(9, 1)
  }
  get trigger(): string {
    return this.msh.get(9, 2)
  }
  get controlId(): string {
    return this.msh.get(10)
  }
  get sendingApplication(): string {
    return this.msh.get(3)
  }
  get sendingFacility(): string {
    return this.msh.get(4)
  }
  get version(): string {
    return this.msh.get(12)
  }

  segment(name: string): Hl7Segment | undefined {
    return this.segments.find((s) => s.name === name)
  }

  all(name: string): Hl7Segment[] {
    return this.segments.filter((s) => s.name === name)
  }

  encode(): string {
    return this.segments.map((s) => s.encode()).join('\r') + '\r'
  }
}

/** A field value for building: a string (one component) or components (arrays become ^-joined, escaped). */
export type FieldValue = string | number | null | undefined | (string | number | null | undefined)[]

/** Builds one segment from decoded values, escaping each component. Index 0 of fields is field 1. */
export function segment(name: string, fields: FieldValue[], enc: Encoding = DEFAULT_ENCODING): string {
  const f = fields.map((v) => {
    if (v === null || v === undefined) return ''
    if (Array.isArray(v)) return v.map((c) => (c === null || c === undefined ? '' : escape(String(c), enc))).join(enc.component).replace(new RegExp(`\\${enc.component}+$`), '')
    return escape(String(v), enc)
  })
  if (name === 'MSH') return `MSH${enc.field}${enc.component}${enc.repetition}${enc.escape}${enc.subcomponent}${enc.field}${f.slice(2).join(enc.field)}`
  return [name, ...f].join(enc.field).replace(new RegExp(`\\${enc.field}+$`), '')
}

/** HL7 timestamp YYYYMMDDHHMMSS (UTC) from a Date. */
export function hl7Time(d: Date): string {
  return d.toISOString().replace(/[-:T]/g, '').slice(0, 14)
}

/** An HL7 TS/DTM ("20261128093000", "20261128", with optional +ZZZZ) as UTC ISO-8601, or null. */
export function parseHl7Time(value: string): string | null {
  const m = /^(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:\.\d+)?([+-]\d{4})?$/.exec(value.trim())
  if (!m) return null
  const [, y, mo = '01', d = '01', h = '00', mi = '00', s = '00', tz] = m
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${tz ? `${tz.slice(0, 3)}:${tz.slice(3)}` : 'Z'}`
  const t = Date.parse(iso)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}
