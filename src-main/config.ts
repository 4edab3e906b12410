import { parseArgs } from 'node:util'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'

export interface HostFlags {
  /** null: the host's default (Electron: its user-data folder) */
  dataDir: string | null
  demo: boolean
  httpPort: number
  httpHost: string
  token?: string
}

export const USAGE = `Usage: npm run hub -- [options]
  --data-dir DIR     where the clinic database lives (default: ~/.vetos, or .vetos-data/demo with --demo)
  --demo             fill an empty database with the demo clinic
  --http-port N      hub port (default 8787; 0 picks a free port)
  --http-host ADDR   address to bind (default 127.0.0.1; use with care)
  --token T          access token (default: random, printed at start)
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
      help: { type: 'boolean', short: 'h', default: false }
    }
  })
  if (values.help) return 'help'
  const demo = values.demo ?? false
  const given = values['data-dir'] ?? env.VETOS_DATA_DIR
  const dataDir = given ? resolve(given) : null
  const port = Number(values['http-port'] ?? env.VETOS_HTTP_PORT ?? 8787)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--http-port must be a port number, not ${values['http-port']}`)
  return { dataDir, demo, httpPort: port, httpHost: values['http-host'] ?? env.VETOS_HTTP_HOST ?? '127.0.0.1', token: values.token ?? env.VETOS_TOKEN }
}

/** The hub's default data folder. */
export function defaultHubDataDir(demo: boolean): string {
  return resolve(demo ? join('.vetos-data', 'demo') : join(homedir(), '.vetos'))
}
