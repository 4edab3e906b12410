/**
 * `npm test`: everything a newcomer needs, in order. System tools the tests use as real peers
 * (installed when missing), type checks, a fresh build (the hub and the renderer the browser
 * tests load), then every test. Ends with one plain "N passed, N failed" line.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ensureSystemDeps } from './system-deps.mjs'
import { ensureBuilt } from './ensure-built.mjs'

const root = resolve(import.meta.dirname, '..')
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)
const step = (name) => console.log(`\n▶ ${name}`)

step('System tools')
ensureSystemDeps()

step('Type check')
for (const project of ['tsconfig.node.json', 'tsconfig.web.json']) {
  const tsc = spawnSync(process.execPath, [bin('typescript', 'bin/tsc'), '--noEmit', '-p', project], { cwd: root, stdio: 'inherit' })
  if (tsc.status !== 0) {
    console.error(`Type check failed (${project}).`)
    process.exit(1)
  }
}

step('Build')
ensureBuilt({ force: true })

step('Tests')
const out = mkdtempSync(join(tmpdir(), 'vetos-results-'))
const report = join(out, 'results.json')
const run = spawnSync(process.execPath, [bin('vitest', 'vitest.mjs'), 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' })
let summary = null
try {
  const r = JSON.parse(readFileSync(report, 'utf8'))
  // A file that failed before running any test (an import error, a failing beforeAll) counts once.
  const brokenFiles = (r.testResults ?? []).filter((f) => f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed')).length
  summary = { passed: r.numPassedTests, failed: r.numFailedTests + brokenFiles, skipped: r.numPendingTests + r.numTodoTests }
} catch {
  /* no report: the runner itself failed */
}
rmSync(out, { recursive: true, force: true })
if (summary) {
  console.log(`\n${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}`)
  if (summary.passed === 0) {
    console.error('No test ran.')
    process.exit(1)
  }
}
process.exit(run.status ?? 1)
