/**
 * Microchip scanners on this workstation. A keyboard-wedge scanner types into the renderer, which
 * asks resolve() what the burst names; a serial scanner is read here (serial.ts), each read pushed
 * live to the renderer as a chipScan event. Its setting is this workstation's own (device_meta: the
 * scanner is plugged into this PC, not into the clinic), changed by an administrator, and takes
 * effect at once.
 *
 * A scan is a read of a device on this desk, not an exchange with anyone: it is logged, not
 * audited (the audit log records data exchanges and changes to records). Changing the setting is
 * audited, as every configuration change is.
 */
import type { ChipScan, ScanResolution, ScannedChip, ScannerStatus, SerialScannerSettings } from '../../src-preload/contract'
import { manufacturerName, type Microchip } from '../core/microchip'
import { newId } from '../core/ids'
import type { Actor } from '../domain/actor'
import type { Core } from '../domain/core'
import type { MissingPetAlerts } from '../proveniq/alerts'
import { parseScanLine } from './formats'
import { SerialScannerReader, listSerialPorts, type SerialScannerState } from './serial'

const META_KEY = 'scanner_serial'


const toScanned = (c: Microchip): ScannedChip => ({ raw: c.raw, normalized: c.normalized, type: c.type, manufacturer: manufacturerName(c.countryOrManufacturer) ?? null })

export class ChipScanners {
  private reader: SerialScannerReader | null = null
  private state: SerialScannerState | { state: 'off'; detail: string } = { state: 'off', detail: 'No serial scanner is set up on this workstation' }
  private reads = 0
  private unreadable = 0
  private lastScan: ChipScan | null = null
  private ports: { path: string; label: string }[] = []
  private portsReadAt = 0
  private started = false

  constructor(
    private readonly core: Core,
    private readonly log: (line: string) => void,
    private readonly alerts: MissingPetAlerts
  ) {}

  /** What a scanner's output names: the chip, the patients with exactly that chip, the active missing-pet reports on it. */
  resolve(raw: string): ScanResolution {
    const read = parseScanLine(raw)
    if (!read.chip) return { raw: read.raw, chip: null, error: read.error, patients: [], missing: [] }
    const chip = read.chip.normalized
    const s = this.core.store
    const patients = s
      .statement(
        `SELECT p.id, p.name, p.species, p.breed, p.microchip, p.deceased_at, c.first_name, c.last_name
           FROM patients p JOIN clients c ON c.id = p.client_id
          WHERE p.microchip_norm = ? AND p.deleted_at IS NULL
          ORDER BY p.deceased_at IS NOT NULL, p.name`
      )
      .all(chip) as { id: string; name: string; species: string; breed: string | null; microchip: string | null; deceased_at: string | null; first_name: string; last_name: string }[]
    return {
      raw: read.raw,
      chip: toScanned(read.chip),
      error: null,
      patients: patients.map((p) => ({ id: p.id, name: p.name, species: p.species, breed: p.breed, microchip: p.microchip, ownerName: `${p.first_name} ${p.last_name}`, deceasedAt: p.deceased_at })),
      missing: this.alerts.onChip(chip)
    }
  }

  settings(): SerialScannerSettings | null {
    const row = this.core.store.statement('SELECT value FROM device_meta WHERE key = ?').get(META_KEY) as { value: string } | undefined
    if (!row) return null
    try {
      const v = JSON.parse(row.value) as SerialScannerSettings
      return { path: v.path, baudRate: v.baudRate, framing: v.framing === 'stx-etx' ? 'stx-etx' : 'auto' }
    } catch {
      return null
    }
  }

  status(): ScannerStatus {
    // The device list is read in the background; a look older than 5 s asks again for next time.
    if (Date.now() - this.portsReadAt > 5000) this.refreshPorts()
    return { serial: this.settings(), state: this.state.state, detail: this.state.detail, reads: this.reads, unreadable: this.unreadable, lastScan: this.lastScan, ports: this.ports }
  }

  configure(actor: Actor, serial: SerialScannerSettings | null): ScannerStatus {
    const before = this.settings()
    const s = this.core.store
    s.tx(() => {
      if (serial) s.statement('INSERT INTO device_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(META_KEY, JSON.stringify(serial))
      else s.statement('DELETE FROM device_meta WHERE key = ?').run(META_KEY)
      this.core.audit.append({
        action: 'scanner.configured',
        direction: 'internal',
        actor,
        entityType: 'workstation',
        entityId: s.deviceId,
        summary: serial ? `Microchip scanner on this workstation set to ${serial.path} at ${serial.baudRate} baud` : 'Serial microchip scanner removed from this workstation',
        details: { before, after: serial }
      })
    })
    if (this.started) void this.reopen()
    return this.status()
  }

  start(): void {
    this.started = true
    this.refreshPorts()
    void this.reopen()
  }

  async stop(): Promise<void> {
    this.started = false
    // A reopening under way finishes first, so no port is left open behind the app's back.
    await this.reopening
    const r = this.reader
    this.reader = null
    await r?.stop()
  }

  private reopening: Promise<void> = Promise.resolve()

  /** Closes the scanner that was open and opens the one set now; one change at a time. */
  private reopen(): Promise<void> {
    this.reopening = this.reopening.then(async () => {
      const old = this.reader
      this.reader = null
      await old?.stop()
      const set = this.settings()
      if (!set || !this.started) {
        this.state = { state: 'off', detail: 'No serial scanner is set up on this workstation' }
        return
      }
      this.state = { state: 'error', detail: `opening ${set.path}…` }
      const reader: SerialScannerReader = new SerialScannerReader(set, {
        line: (line) => this.onLine(set.path, line),
        state: (st) => {
          if (this.reader !== reader) return
          this.state = st
          this.log(`scanner: ${st.detail}`)
        }
      })
      this.reader = reader
      reader.start()
    })
    // One failed reopening must not stop every later one (nor the app's close, which waits on this).
    this.reopening = this.reopening.catch((e) => {
      this.state = { state: 'error', detail: `the scanner could not be opened: ${(e as Error).message}` }
      this.log(`scanner: ${(e as Error).stack ?? e}`)
    })
    return this.reopening
  }

  private onLine(device: string, line: string): void {
    const read = parseScanLine(line)
    // A line with nothing printable (noise on the cable) is not worth anyone's attention.
    if (!read.raw) return
    const scan: ChipScan = { id: newId(), at: new Date().toISOString(), source: 'serial', device, raw: read.raw, chip: read.chip ? toScanned(read.chip) : null, error: read.error }
    if (read.chip) this.reads++
    else this.unreadable++
    this.lastScan = scan
    this.log(read.chip ? `scanner: read ${read.chip.normalized} (${read.chip.type}) on ${device}` : `scanner: unreadable line on ${device}: ${JSON.stringify(read.raw)}`)
    this.core.events.emit('chipScan', scan)
  }

  private refreshPorts(): void {
    this.portsReadAt = Date.now()
    void listSerialPorts().then((p) => (this.ports = p))
  }
}
