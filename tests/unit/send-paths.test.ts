/**
 * The consent gate is unavoidable by structure: every module that can reach a wire or a cable is
 * listed in SEND_PATHS, and each one that sends data spends the gate's permit. A new connector that
 * opens a socket, a serial port, an HTTP client or a DICOM association fails here until it is
 * listed, and a data sender must spend a permit. tests/integration/consent-sends.test.ts then
 * withdraws approval under each data path and watches nothing leave.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SEND_PATHS } from '../../src-main/consent/send-paths'

const root = join(import.meta.dirname, '..', '..')

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : /\.tsx?$/.test(name) ? [relative(root, path).split('\\').join('/')] : []
  })
}

/** Imports and calls that can carry bytes off this process. */
const WIRE = [
  /from ['"](node:)?(net|tls|http|https|http2|dgram)['"]/,
  /from ['"]serialport['"]|from ['"]@serialport\//,
  /from ['"]dcmjs-dimse['"]/,
  /from ['"](ws|fastify|undici|stripe|axios|node-fetch)['"]|from ['"]@fastify\//,
  /from ['"]@electric-sql\//,
  /import\s*\{[^}]*\bnet\b[^}]*\}\s*from ['"]electron['"]/,
  /\bfetch\s*\(/,
  /new\s+WebSocket\s*\(/
]

const ALL = [...Object.keys(SEND_PATHS.data), ...Object.keys(SEND_PATHS.clinic), ...Object.keys(SEND_PATHS.noData)]
const listed = (file: string) => ALL.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p))

describe('send paths', () => {
  const files = sources(join(root, 'src-main'))
  const wired = files.filter((f) => WIRE.some((re) => re.test(readFileSync(join(root, f), 'utf8'))))

  it('finds the modules that reach a wire (the scan itself works)', () => {
    expect(wired).toEqual(expect.arrayContaining(['src-main/hl7/transmitter.ts', 'src-main/hl7/listener.ts', 'src-main/imaging/node.ts', 'src-main/astm/transport.ts']))
  })

  it('lists every module that can reach a wire, with what it sends', () => {
    expect(wired.filter((f) => !listed(f))).toEqual([])
  })

  it('has every data sender spend the consent gate’s permit', () => {
    for (const f of Object.keys(SEND_PATHS.data)) expect(readFileSync(join(root, f), 'utf8'), f).toMatch(/\.spend\(/)
  })

  it('lists no module that no longer exists', () => {
    for (const p of ALL) expect(files.some((f) => (p.endsWith('/') ? f.startsWith(p) : f === p)), p).toBe(true)
  })

  it('keeps the raw MLLP exchange to the permit-spending transmitter and the simulators', () => {
    const users = files.filter((f) => f !== 'src-main/hl7/transmitter.ts' && /\bmllpExchange\b/.test(readFileSync(join(root, f), 'utf8')))
    expect(users.every((f) => f.startsWith('src-main/simulators/'))).toBe(true)
  })
})
