/**
 * System tools the tests drive as real peers. Each is a Debian package; `npm test` installs what
 * is missing when it runs as root, and otherwise stops and names them. A test never skips silently.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const SYSTEM_DEPS = [
  { command: '/usr/bin/chromium', pkg: 'chromium', why: 'end-to-end tests in a real browser' },
  { command: '/usr/bin/socat', pkg: 'socat', why: 'virtual serial cables for the analyzer tests' },
  { command: '/usr/bin/storescu', pkg: 'dcmtk', why: 'DICOM peers (echoscu, storescu, findscu, storescp) for the imaging tests and benchmark' }
]

export function missingDeps() {
  return SYSTEM_DEPS.filter((d) => !existsSync(d.command) && spawnSync('sh', ['-c', `command -v ${d.command}`]).status !== 0)
}

export function ensureSystemDeps() {
  const missing = missingDeps()
  if (missing.length === 0) return
  const pkgs = [...new Set(missing.map((d) => d.pkg))]
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (!isRoot) {
    console.error(`Missing system packages: ${pkgs.join(' ')} (for ${missing.map((d) => d.why).join('; ')}).`)
    console.error(`Install them with: sudo apt-get install -y ${pkgs.join(' ')}`)
    process.exit(1)
  }
  console.log(`Installing system packages: ${pkgs.join(' ')}`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env })
  const still = missingDeps()
  if (still.length) {
    console.error(`Still missing after install: ${still.map((d) => d.command).join(', ')}`)
    process.exit(1)
  }
}
