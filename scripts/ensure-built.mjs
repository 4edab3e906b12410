/** Builds main, preload and renderer when out/ is missing or older than the sources. */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const SOURCES = ['src-main', 'src-preload', 'src-renderer', 'electron.vite.config.ts', 'package.json']
const OUTPUTS = ['out/main/hub.js', 'out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']

function newest(path) {
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  return Math.max(st.mtimeMs, ...readdirSync(path).map((f) => newest(join(path, f))))
}

export function ensureBuilt({ force = false } = {}) {
  const outs = OUTPUTS.map((o) => join(root, o))
  const stale = force || outs.some((o) => !existsSync(o)) || Math.max(...SOURCES.map((s) => newest(join(root, s)))) > Math.min(...outs.map((o) => statSync(o).mtimeMs))
  if (!stale) return
  console.log('Building VetOS (electron-vite build)…')
  execFileSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
}

if (import.meta.url === `file://${process.argv[1]}`) ensureBuilt()
