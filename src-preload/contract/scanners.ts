/**
 * Microchip scanners' part of the API contract: what a scan names (the chip, the patients with
 * it, the active missing-pet reports on it) and this workstation's serial scanner.
 * A keyboard-wedge scanner needs no setting: it types into the renderer, which resolves the read.
 */
import { z } from 'zod'
import { ADMIN, EVERY_ROLE, Empty, method } from './common'
import { MissingMatch } from './proveniq'

export const ScannedChip = z.object({
  /** as the scanner sent it */
  raw: z.string(),
  /** normalised as VetOS stores chips (ISO: 15 digits) */
  normalized: z.string(),
  type: z.enum(['iso', 'fdx-a', 'avid', 'unknown']),
  /** ISO: the manufacturer's name when the code is a known manufacturer's */
  manufacturer: z.string().nullable()
})
export type ScannedChip = z.infer<typeof ScannedChip>

/** A read from the serial scanner, pushed live to the renderer (ServerEvents.chipScan). */
export const ChipScan = z.object({
  id: z.string(),
  at: z.string(),
  source: z.enum(['serial']),
  /** the serial device it came from */
  device: z.string(),
  raw: z.string(),
  chip: ScannedChip.nullable(),
  /** why no chip was read */
  error: z.string().nullable()
})
export type ChipScan = z.infer<typeof ChipScan>

export const ScanResolution = z.object({
  raw: z.string(),
  chip: ScannedChip.nullable(),
  error: z.string().nullable(),
  /** the patients with exactly this chip (normalised), deceased ones included */
  patients: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      species: z.string(),
      breed: z.string().nullable(),
      microchip: z.string().nullable(),
      ownerName: z.string(),
      deceasedAt: z.string().nullable()
    })
  ),
  /** active PetMayday reports on this chip, from the list kept on this workstation (offline too) */
  missing: z.array(MissingMatch)
})
export type ScanResolution = z.infer<typeof ScanResolution>

export const SCAN_BAUD_RATES = [1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] as const

export const SerialScannerSettings = z
  .object({
    /** the serial device: /dev/ttyUSB0, /dev/serial/by-id/…, COM3 */
    path: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(200, 'must be at most 200 characters')
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
    baudRate: z.number().int().refine((n) => (SCAN_BAUD_RATES as readonly number[]).includes(n), `must be one of ${SCAN_BAUD_RATES.join(', ')}`),
    /** auto: CR, LF, CRLF or STX…ETX end a read; stx-etx: only what is framed by STX…ETX counts */
    framing: z.enum(['auto', 'stx-etx']).default('auto')
  })
  .strict()
export type SerialScannerSettings = z.infer<typeof SerialScannerSettings>

export const ScannerStatus = z.object({
  /** this workstation's serial scanner, null when none is set up */
  serial: SerialScannerSettings.nullable(),
  state: z.enum(['off', 'connected', 'error']),
  detail: z.string(),
  reads: z.number(),
  unreadable: z.number(),
  lastScan: ChipScan.nullable(),
  /** serial devices seen on this workstation at the last look */
  ports: z.array(z.object({ path: z.string(), label: z.string() }))
})
export type ScannerStatus = z.infer<typeof ScannerStatus>

export const scannerMethods = {
  'scanners.resolve': method({
    input: z.object({ raw: z.string().max(300, 'must be at most 300 characters') }).strict(),
    output: ScanResolution,
    access: EVERY_ROLE,
    description: 'Reads a scanner’s output (a keyboard-wedge burst or a serial read): the chip, the patients with exactly that chip, and the active missing-pet reports on it.'
  }),
  'scanners.status': method({
    input: Empty,
    output: ScannerStatus,
    access: EVERY_ROLE,
    description: 'This workstation’s serial microchip scanner: its setting, whether it is connected, the last read.'
  }),
  'scanners.configure': method({
    input: z.object({ serial: SerialScannerSettings.nullable() }).strict(),
    output: ScannerStatus,
    access: ADMIN,
    description: 'Sets (or removes, with null) this workstation’s serial microchip scanner; it is opened at once, without a restart.'
  })
}
