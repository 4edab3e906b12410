import { parseArgs } from 'node:util'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import type { AnalyzerOverride } from './labs'

export interface HostFlags {
  /** null: the host's default (Electron: its user-data folder) */
  dataDir: string | null
  demo: boolean
  httpPort: number
  httpHost: string
  token?: string
  /** the HL7 (MLLP) results listener, when given */
  hl7?: { host: string; port: number }
  /** the DICOM node (C-ECHO, C-STORE, worklist), when given */
  dicom?: { host: string; port: number; aeTitle: string }
  /** run the simulators of simulated integrations (the demo's reference lab and analyzer) */
  simulators: boolean
  /** the first analyzer's transport, from the command line */
  analyzer?: AnalyzerOverride
  /** the clinic's central sync server */
  syncUrl?: string
  /** an enrollment code: join the clinic on this first start */
  enroll?: string
  /** a new data folder asks (in the renderer) whether to join a clinic or start a new one */
  setup: boolean
}

export const USAGE = `Usage: npm run hub -- [options]
  --data-dir DIR     where the clinic database lives (default: ~/.vetos, or .vetos-data/demo with --demo)
  --demo             fill an empty database with the demo clinic
  --http-port N      hub port (default 8787; 0 picks a free port)
  --http-host ADDR   address to bind (default 127.0.0.1; use with care)
  --token T          access token (default: random, printed at start)
  --hl7-port N       listen for lab results (HL7 over MLLP) on this port (0 picks one)
  --simulators       run the simulated lab and analyzer of the demo clinic (implies --hl7-port 2576)
  --astm-serial PATH[:BAUD]  the analyzer is on this serial device (default 9600 baud)
  --astm-port N      the analyzer dials VetOS on this TCP port (ASTM over TCP, VetOS as server)
  --astm-connect HOST:PORT   VetOS dials the analyzer there (ASTM over TCP, VetOS as client)
  --hl7-host ADDR    address for the HL7 listener (default 0.0.0.0: labs connect over the LAN;
                     only configured lab addresses and this machine are accepted)
  --dicom-port N     run the DICOM node (C-ECHO, C-STORE, Modality Worklist) on this port (0 picks one;
                     --simulators implies 11112)
  --dicom-aet AET    the node's AE title (default VETOS); modalities call it by this name
  --dicom-host ADDR  address for the DICOM node (default 0.0.0.0; only configured modalities are accepted)
  --sync-url URL     the clinic's central sync server (kept after the first start)
  --enroll CODE      on the first start of a new data folder, join the clinic with this enrollment code
  --setup            a new data folder asks in the browser: join your clinic (server address and
                     enrollment code) or start a new clinic, as the desktop app does
  -h, --help         this text`

/** Command-line flags shared by both hosts (Electron ignores the HTTP ones). */
export function parseHostFlags(argv: string[], env = process.env, strict = true): HostFlags | 'help' {
  // With strict off, parseArgs types every value loosely; the declared options below hold either way.
  const { values } = parseArgs({
    args: argv,
    strict: strict as true,
    allowPositionals: !strict,
    options: {
      'data-dir': { type: 'string' },
      demo: { type: 'boolean', default: false },
      'http-port': { type: 'string' },
      'http-host': { type: 'string' },
      token: { type: 'string' },
      'hl7-port': { type: 'string' },
      'hl7-host': { type: 'string' },
      simulators: { type: 'boolean', default: false },
      'astm-serial': { type: 'string' },
      'astm-port': { type: 'string' },
      'astm-connect': { type: 'string' },
      'dicom-port': { type: 'string' },
      'dicom-aet': { type: 'string' },
      'dicom-host': { type: 'string' },
      'sync-url': { type: 'string' },
      enroll: { type: 'string' },
      setup: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'
  const demo = values.demo ?? false
  const given = values['data-dir'] ?? env.VETOS_DATA_DIR
  const dataDir = given ? resolve(given) : null
  const port = portNumber('--http-port', values['http-port'] ?? env.VETOS_HTTP_PORT ?? '8787')
  const simulators = values.simulators ?? false
  const hl7Port = values['hl7-port'] ?? env.VETOS_HL7_PORT ?? (simulators ? '2576' : undefined)
  const hl7 = hl7Port === undefined ? undefined : { host: values['hl7-host'] ?? env.VETOS_HL7_HOST ?? '0.0.0.0', port: portNumber('--hl7-port', hl7Port) }
  const analyzer = analyzerFlags(values['astm-serial'], values['astm-port'], values['astm-connect'])
  const dicomPort = values['dicom-port'] ?? env.VETOS_DICOM_PORT ?? (simulators ? '11112' : undefined)
  const aeTitle = (values['dicom-aet'] ?? env.VETOS_DICOM_AET ?? 'VETOS').trim()
  if (!/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(aeTitle)) throw new Error(`--dicom-aet must be 1 to 16 printable characters without a backslash, got "${aeTitle}"`)
  const dicom = dicomPort === undefined ? undefined : { host: values['dicom-host'] ?? env.VETOS_DICOM_HOST ?? '0.0.0.0', port: portNumber('--dicom-port', dicomPort), aeTitle }
  const syncUrl = (values['sync-url'] ?? env.VETOS_SYNC_URL)?.replace(/\/+$/, '')
  if (syncUrl && !/^https?:\/\/[^\s/]+/.test(syncUrl)) throw new Error(`--sync-url must be an http(s) address, not ${syncUrl}`)
  if (values.enroll && !syncUrl) throw new Error('--enroll needs --sync-url: the server that issued the code')
  return { analyzer, dataDir, demo, httpPort: port, httpHost: values['http-host'] ?? env.VETOS_HTTP_HOST ?? '127.0.0.1', token: values.token ?? env.VETOS_TOKEN, hl7, dicom, simulators, syncUrl, enroll: values.enroll, setup: values.setup ?? false }
}

/** The hub's default data folder. */
export function defaultHubDataDir(demo: boolean): string {
  return resolve(demo ? join('.vetos-data', 'demo') : join(homedir(), '.vetos'))
}

function portNumber(flag: string, value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} must be a port number, not ${value}`)
  return n
}

function analyzerFlags(serial?: string, port?: string, connect?: string): AnalyzerOverride | undefined {
  if (serial) {
    const m = /^(.+?)(?::(\d+))?$/.exec(serial)!
    return { serial: { path: m[1], baudRate: m[2] ? Number(m[2]) : 9600 } }
  }
  if (port) return { listen: { host: '0.0.0.0', port: portNumber('--astm-port', port) } }
  if (connect) {
    const m = /^(.+):(\d+)$/.exec(connect)
    if (!m) throw new Error(`--astm-connect must be HOST:PORT, not ${connect}`)
    return { connect: { host: m[1], port: portNumber('--astm-connect', m[2]) } }
  }
  return undefined
}
