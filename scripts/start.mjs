/**
 * `npm start`: the desktop app where Electron can run; otherwise the headless hub on the demo
 * clinic, with the address to open in a browser. Extra flags go to whichever starts.
 */
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ensureBuilt } from './ensure-built.mjs'

const root = resolve(import.meta.dirname, '..')
const extra = process.argv.slice(2)
const demoArgs = extra.some((a) => a === '--data-dir' || a.startsWith('--data-dir=')) ? extra : ['--demo', '--simulators', '--data-dir', join(root, '.vetos-data', 'demo'), ...extra]

ensureBuilt()

/** The Electron binary's path, or null where it is not installed and cannot be fetched. */
function electronBinary() {
  // require('electron') downloads the binary on first use; that fails without internet.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], { cwd: root, encoding: 'utf8', timeout: 300_000 })
  const path = probe.status === 0 ? probe.stdout.trim() : ''
  return path && existsSync(path) ? path : null
}

const electron = process.env.VETOS_HEADLESS ? null : electronBinary()
const child = electron
  ? spawn(electron, [root, ...demoArgs], { cwd: root, stdio: 'inherit' })
  : (console.log('Electron is not available on this machine: starting the headless hub on the demo clinic.\nOpen the address below in a browser (Chromium, Firefox, Edge).\n'),
    spawn(process.execPath, [join(root, 'out', 'main', 'hub.js'), ...demoArgs], { cwd: root, stdio: 'inherit' }))
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code) => process.exit(code ?? 0))
