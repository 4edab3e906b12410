/** What every domain module of the contract is built from: roles, checked text, ids, and method(). */
import { z } from 'zod'

export const ROLES = ['veterinarian', 'technician', 'front_desk', 'admin'] as const
export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

export const Id = z.uuid({ message: 'must be an id' })
// Control characters (C0, DEL, C1) are invisible on screen and break the formats text goes out in
// (a VT, FS or CR inside an HL7 or ASTM frame): names and other one-line text refuse them all.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/
/** the same but tab and line feed, for text over several lines */
const CONTROL_BUT_TAB_LF = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/
export const NonEmpty = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'is required')
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
export const Optional = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL.test(s), 'must not contain control characters')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional()
/** Free text over several lines (notes): keeps tabs and line breaks, CRLF and CR becoming LF. */
export const OptionalText = (max: number) =>
  z
    .string()
    .overwrite((s) => s.replace(/\r\n?/g, '\n'))
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !CONTROL_BUT_TAB_LF.test(s), 'must not contain control characters other than tabs and line breaks')
    .transform((s) => (s === '' ? null : s))
    .nullable()
    .optional()
export const IsoDate = z.iso.date({ message: 'must be a date (YYYY-MM-DD)' })
export const IsoDateTime = z.iso.datetime({ message: 'must be a UTC date-time (ISO-8601)' })
export const Pin = z.string().regex(/^\d{4,8}$/, 'must be 4 to 8 digits')

export type Access = 'public' | 'any' | readonly Role[]

export interface MethodDef<I extends z.ZodType, O extends z.ZodType> {
  input: I
  output: O
  access: Access
  description: string
}

export function method<I extends z.ZodType, O extends z.ZodType>(def: MethodDef<I, O>): MethodDef<I, O> {
  return def
}

export const CLINICAL = ['veterinarian', 'technician', 'admin'] as const
export const EVERY_ROLE = 'any' as const
export const ADMIN = ['admin'] as const
export const Empty = z.object({}).strict()
