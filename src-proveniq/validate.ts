/**
 * Input rules shared by every route: bodies and queries through zod, each bad field named in the
 * answer (400 with `issues`), the same text rules as the VetOS API (no control characters in a line),
 * microchip numbers normalised as VetOS normalises them, and photos checked by their bytes.
 */
import { z } from 'zod'
import { MicrochipError, parseMicrochip, type Microchip } from '../src-main/core/microchip'
import { HttpError } from '../src-server/sync/errors'

export interface FieldIssue {
  field: string
  message: string
}

/** 400 naming every bad field: `message` reads "species must be one of …; lastSeenAt is required". */
export class ValidationError extends HttpError {
  constructor(readonly issues: FieldIssue[]) {
    super(400, 'bad-request', issues.map((i) => `${i.field} ${i.message}`).join('; '))
  }
}

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
// A note may span lines; anything else below space is refused.
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/

const textType = (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : 'must be text')

/** One line of text: trimmed, not empty, at most max characters, no control characters. */
export const line = (max: number) =>
  z
    .string({ error: textType })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL.test(v), 'must be one line without control characters')

/** Free text that may have several lines. */
export const paragraph = (max: number) =>
  z
    .string({ error: textType })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((v) => !CONTROL_BUT_LINES.test(v), 'must not contain control characters')

export const flag = () => z.boolean({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be true or false') })

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: (iss) => (iss.input === undefined ? 'is required' : `must be one of ${values.join(', ')}`) })

const ISO_DATE_TIME = z.iso.datetime({ offset: true })
// Clocks disagree a little; a sighting reported hours ahead is a mistake.
const FUTURE_SLACK_MS = 5 * 60_000

/** An ISO 8601 date and time with its zone (Z or ±hh:mm), not in the future; as a Date. */
export const pastDateTime = () =>
  z
    .string({ error: textType })
    .refine((v) => ISO_DATE_TIME.safeParse(v).success, 'must be an ISO 8601 date and time with its zone, e.g. 2025-05-01T14:30:00Z')
    .transform((v) => new Date(v))
    .refine((d) => d.getTime() <= Date.now() + FUTURE_SLACK_MS, 'must not be in the future')

export const CHIP_FORMATS = 'expected ISO 11784/11785 (15 digits, or the dotted hex form such as 3E7.1CBE991A14), AVID (9 digits), FDX-A (10 hex characters) or another chip of 6 to 16 letters and digits'

/** A microchip number as VetOS reads it (src-main/core/microchip.ts), or a message naming the formats. */
export function readChip(input: string): Microchip | string {
  try {
    return parseMicrochip(input)
  } catch (e) {
    if (e instanceof MicrochipError) return `is not a microchip number (${CHIP_FORMATS})`
    throw e
  }
}

export const microchip = () =>
  z.string({ error: textType }).transform((v, ctx) => {
    const chip = readChip(v)
    if (typeof chip === 'string') {
      ctx.addIssue({ code: 'custom', message: chip })
      return z.NEVER
    }
    return chip
  })

/** A chip number from the address (/v1/chips/:chip): 400 naming the formats when it is none. */
export function chipFromPath(raw: string): Microchip {
  const chip = raw.length > 64 ? 'is too long to be a microchip number' : readChip(raw)
  if (typeof chip === 'string') throw new ValidationError([{ field: 'chip', message: `${JSON.stringify(raw.slice(0, 64))} ${chip}` }])
  return chip
}

/** Parses a JSON body (an object) or a query: every problem named by its field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what = 'the body'): z.output<S> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ValidationError([{ field: what, message: 'must be a JSON object' }])
  const result = schema.safeParse(input)
  if (result.success) return result.data
  const issues: FieldIssue[] = []
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') for (const key of issue.keys) issues.push({ field: [...issue.path, key].join('.'), message: 'is not a field of this request' })
    else issues.push({ field: issue.path.length ? issue.path.join('.') : what, message: issue.message })
  }
  throw new ValidationError(issues)
}

// ---------------------------------------------------------------- photos

export const MAX_PHOTO_BYTES = 2 * 1024 * 1024
export type PhotoType = 'image/jpeg' | 'image/png' | 'image/webp'

/** The image type by its first bytes (what the file is, whatever its sender called it). */
export function imageType(bytes: Buffer): PhotoType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg'
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png'
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'image/webp'
  return null
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** A photo sent as base64 in a JSON body: 413 over 2 MB, 400 when it is not a JPEG, PNG or WebP image. */
export function decodePhoto(base64: string): { bytes: Buffer; type: PhotoType } {
  const clean = base64.replace(/\s/g, '')
  if (clean.length % 4 !== 0 || !BASE64.test(clean)) throw new ValidationError([{ field: 'photo', message: 'must be the image as base64' }])
  const bytes = Buffer.from(clean, 'base64')
  if (bytes.length > MAX_PHOTO_BYTES) throw new HttpError(413, 'too-large', `photo is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; at most 2 MB is kept`)
  const type = imageType(bytes)
  if (!type) throw new ValidationError([{ field: 'photo', message: 'must be a JPEG, PNG or WebP image (judged by its content)' }])
  return { bytes, type }
}

/** A report or member id in an address: anything that is not one is simply not found. */
export function idFromPath(raw: string, what: string): string {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(raw)) throw new HttpError(404, 'not-found', `there is no ${what} ${JSON.stringify(raw.slice(0, 64))}`)
  return raw.toLowerCase()
}

/** timestamptz comes back as a Date (pg, PGlite); answers carry ISO strings. */
export const iso = (v: unknown): string | null => (v == null ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString())
