/**
 * A serial microchip scanner with real parts: a socat serial pair (one end opened by the app
 * through the real serialport package as its scanner, the other written by the test as the
 * scanner would), the demo clinic's app, and the PROVENIQ service on a fresh PostgreSQL database
 * for the missing-pet list. Reads arrive as live events with the chip; garbage does not stop the
 * reader; an unplugged scanner is reopened when it returns; a setting change needs no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SerialPort } from 'serialport'
import type { ChipScan } from '../../src-preload/contract'
import { SerialPair } from '../helpers/socat'
import { makeApp, tempDir, type TestApp } from '../helpers/app'
import { until } from '../helpers/wait'
import { call, newMember, report, startService, type TestService } from '../proveniq/fixture'

let t: TestApp
let cable: SerialPair
let scanner: SerialPort
let svc: (TestService & { close(): Promise<void> }) | null = null
const scans: ChipScan[] = []

const status = () => t.call('scanners.status', {})

/** The scanner end of the cable, opened as the scanner's own firmware would write to it. */
async function openScannerEnd(path: string): Promise<SerialPort> {
  const p = new SerialPort({ path, baudRate: 9600, autoOpen: false })
  await new Promise<void>((res, rej) => p.open((e) => (e ? rej(e) : res())))
  return p
}
const write = (bytes: string | Buffer) => new Promise<void>((res, rej) => scanner.write(bytes, (e) => (e ? rej(e) : scanner.drain(() => res()))))
const closeEnd = (p: SerialPort | undefined) => new Promise<void>((r) => (p?.isOpen ? p.close(() => r()) : r()))

beforeAll(async () => {
  cable = new SerialPair(tempDir('vetos-scanner-'))
  await cable.start()
  t = makeApp({ demo: true })
  t.app.events.subscribe(({ event }) => {
    if (event.type === 'chipScan') scans.push(event.payload)
  })
  await t.app.start()
  t.signIn('admin')
  t.call('scanners.configure', { serial: { path: cable.a, baudRate: 9600, framing: 'auto' } })
  await until(() => status().state === 'connected', 10_000, 'the scanner port open')
  scanner = await openScannerEnd(cable.b)
}, 30_000)

afterAll(async () => {
  await closeEnd(scanner)
  await t?.close()
  await cable?.stop()
  await svc?.close()
})

describe('serial microchip scanner', () => {
  it('is set up by an administrator only, with a clear error for a bad setting, and the change is audited', () => {
    t.signIn('front_desk')
    const refused = t.raw('scanners.configure', { serial: { path: '/dev/ttyUSB9', baudRate: 9600 } })
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } })
    // every role sees the status
    expect(status().serial).toMatchObject({ path: cable.a, baudRate: 9600 })
    t.signIn('admin')
    const bad = t.raw('scanners.configure', { serial: { path: '', baudRate: 1234 } })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.code).toBe('invalid-input')
      expect(bad.error.issues?.map((i) => i.path).sort()).toEqual(['serial.baudRate', 'serial.path'])
      expect(bad.error.issues?.find((i) => i.path === 'serial.baudRate')?.message).toMatch(/must be one of .*9600/)
    }
    const audited = t.app.core.store.sqlite.prepare("SELECT summary FROM audit_log WHERE action = 'scanner.configured'").pluck().all() as string[]
    expect(audited).toEqual([`Microchip scanner on this workstation set to ${cable.a} at 9600 baud`])
  })

  it('sends each read, written in pieces, as a live event with the chip', async () => {
    scans.length = 0
    await write('FDX-B 985 14')
    await write('1000')
    await write('123456\r\n')
    await until(() => scans.length === 1, 5000, 'the scan event')
    expect(scans[0]).toMatchObject({ source: 'serial', device: cable.a, raw: 'FDX-B 985 141000123456', chip: { normalized: '985141000123456', type: 'iso', manufacturer: 'HomeAgain' }, error: null })
    expect(status()).toMatchObject({ state: 'connected', lastScan: { chip: { normalized: '985141000123456' } } })
  })

  it('reads every format a scanner may be set to, and a memory down-stream of several reads at once', async () => {
    scans.length = 0
    await write('\x02AVID*012*345*678\x03')
    await write('LA 00000 0 982 000001088420\r\n0A12345678\r')
    await write('\n001 985141000654321\r\n002 3E7.1CBE991A14\r\n')
    await until(() => scans.length === 5, 5000, 'five scan events')
    expect(scans.map((s) => [s.chip?.type, s.chip?.normalized])).toEqual([
      ['avid', '012345678'],
      ['iso', '982000001088420'],
      ['fdx-a', '0A12345678'],
      ['iso', '985141000654321'],
      ['iso', '999123456789012']
    ])
  })

  it('survives garbage on the line, says what it could not read, and reads the next chip', async () => {
    scans.length = 0
    const before = status()
    let seed = 11
    const noise = Buffer.from(Array.from({ length: 4000 }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff).filter((b) => b !== 0x0d && b !== 0x0a && b !== 0x03 && b !== 0x02))
    await write(noise)
    await write('\r\nNO TAG FOUND\r\n')
    await write('985141000999888\r\n')
    await until(() => scans.some((s) => s.chip?.normalized === '985141000999888'), 5000, 'the good read after the garbage')
    const unreadable = scans.filter((s) => !s.chip)
    expect(unreadable.length).toBeGreaterThan(0)
    expect(unreadable.find((s) => s.raw === 'NO TAG FOUND')?.error).toMatch(/not a microchip number/)
    expect(status().unreadable).toBeGreaterThan(before.unreadable)
    expect(status().state).toBe('connected')
  })

  it('logs scans without auditing each one (a scan is a read of a device on this desk)', async () => {
    const count = () => t.app.core.store.sqlite.prepare("SELECT count(*) FROM audit_log WHERE action LIKE 'scanner.%'").pluck().get() as number
    const n = count()
    scans.length = 0
    await write('985141000123456\r\n')
    await until(() => scans.length === 1, 5000, 'the scan event')
    expect(count()).toBe(n)
  })

  it('reopens the scanner when it is unplugged and plugged back in, without a restart', async () => {
    await closeEnd(scanner)
    await cable.stop()
    await until(() => status().state === 'error', 10_000, 'the scanner seen gone')
    expect(status().detail).toMatch(/disappeared|No such file|trying again/)
    await cable.start()
    await until(() => status().state === 'connected', 15_000, 'the scanner reopened')
    scanner = await openScannerEnd(cable.b)
    scans.length = 0
    await write('985141000123456\r\n')
    await until(() => scans.length === 1, 5000, 'a read after the reconnection')
    expect(scans[0].chip?.normalized).toBe('985141000123456')
  }, 40_000)

  it('follows a changed setting at once, and stops reading when the scanner is removed', async () => {
    const other = new SerialPair(tempDir('vetos-scanner2-'))
    await other.start()
    try {
      t.call('scanners.configure', { serial: { path: other.a, baudRate: 19200, framing: 'stx-etx' } })
      await until(() => status().state === 'connected' && status().detail.includes(other.a), 10_000, 'the new port open')
      const end = await openScannerEnd(other.b)
      scans.length = 0
      await new Promise<void>((r) => end.write('boot\r\n\x020A12345678\x03\r\n', () => end.drain(() => r())))
      await until(() => scans.length === 1, 5000, 'a read on the new port')
      // only the framed read counts with stx-etx framing
      expect(scans[0]).toMatchObject({ device: other.a, chip: { normalized: '0A12345678', type: 'fdx-a' } })
      await closeEnd(end)
      t.call('scanners.configure', { serial: null })
      await until(() => status().state === 'off', 5000, 'the scanner off')
      expect(status().serial).toBeNull()
    } finally {
      await other.stop()
    }
    // back to the first cable for what follows
    t.call('scanners.configure', { serial: { path: cable.a, baudRate: 9600, framing: 'auto' } })
    await until(() => status().state === 'connected' && status().detail.includes(cable.a), 10_000, 'the first port open again')
  }, 30_000)
})

describe('what a scan names (scanners.resolve)', () => {
  it('finds the patient with exactly that chip, whatever form the scanner printed it in', () => {
    t.signIn('front_desk')
    const c = t.call('clients.create', { firstName: 'Noor', lastName: 'Haddad', phones: [] })
    const p = t.call('patients.create', { clientId: c.id, name: 'Pistachio', species: 'feline', sex: 'female', neuterStatus: 'neutered', microchip: '985 141 000 777 001' })
    for (const raw of ['985141000777001', 'FDX-B 985.141000777001', 'LA 985 141000777001', '  985_141000777001  ']) {
      const r = t.call('scanners.resolve', { raw })
      expect(r.chip?.normalized, raw).toBe('985141000777001')
      expect(r.patients.map((x) => [x.id, x.name, x.ownerName])).toEqual([[p.id, 'Pistachio', 'Noor Haddad']])
    }
    // a near miss names no one: only the exact chip
    expect(t.call('scanners.resolve', { raw: '985141000777002' }).patients).toEqual([])
  })

  it('answers an unreadable scan with its reason, never an error', () => {
    expect(t.call('scanners.resolve', { raw: 'NO TAG FOUND' })).toMatchObject({ chip: null, patients: [], missing: [], error: expect.stringMatching(/not a microchip number/) })
    expect(t.raw('scanners.resolve', { raw: 'x'.repeat(301) })).toMatchObject({ ok: false, error: { code: 'invalid-input' } })
  })

  it('says whether the chip is on the active missing-pet list, from the list kept here (the service stopped)', async () => {
    svc = await startService(1000)
    const shelter = await newMember(svc.db, 'Hillside Shelter', 'shelter')
    const clinic = await newMember(svc.db, 'Riverside Veterinary Clinic', 'clinic')
    t.signIn('admin')
    const i = t.call('integrations.create', { kind: 'petmayday', name: 'PetMayday', enabled: true, config: { baseUrl: svc.url, apiKey: clinic.key } })
    t.call('integrations.approve', { id: i.id, categories: ['lost_pet_reports'] })
    const res = await call(svc.url, shelter.key, 'POST', '/v1/reports', report({ microchip: 'FDX-B 985 141 000 555 444', name: 'Comet', species: 'canine', lastSeenArea: 'Elm Park' }))
    expect(res.status, res.text).toBe(201)
    const listed = () => t.app.core.store.sqlite.prepare('SELECT 1 FROM missing_pets WHERE id = ?').get(res.body.id) !== undefined
    await until(listed, 15_000, 'the report in the local list')
    await svc.close()
    svc = null
    const r = t.call('scanners.resolve', { raw: '985141000555444' })
    expect(r.patients).toEqual([])
    expect(r.missing).toHaveLength(1)
    expect(r.missing[0]).toMatchObject({ kind: 'exact', reportId: res.body.id, name: 'Comet', species: 'canine', lastSeenArea: 'Elm Park', filedBy: { name: 'Hillside Shelter' } })
  }, 40_000)
})
