/**
 * The catalog of what connects to VetOS: one JSON file per entry, shipped in resources/catalog and
 * added by support in the data folder's catalog/ (an entry there with a shipped entry's id replaces
 * it). Read on every request, so a file support drops in shows without a restart or a release; a
 * file that does not read is listed as a problem and never hides the others.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CatalogEntry, INTEGRATION_KINDS, type IntegrationCatalog } from '../../src-preload/contract'

/** resources/catalog: next to package.json in a checkout (and beside the app's resources when packaged). */
export function findShippedCatalog(start = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'resources', 'catalog')
    if (existsSync(candidate)) return candidate
    if (dirname(dir) === dir) return null
  }
}

/** An entry file is small; anything bigger is not one. */
const MAX_BYTES = 256 * 1024

export function readCatalog(dirs: { shipped: string | null; clinic: string }): IntegrationCatalog {
  const byId = new Map<string, IntegrationCatalog['entries'][number]>()
  const problems: IntegrationCatalog['problems'] = []
  for (const [source, dir] of [['shipped', dirs.shipped], ['clinic', dirs.clinic]] as const) {
    if (!dir || !existsSync(dir)) continue
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
      const file = source === 'clinic' ? `catalog/${name}` : name
      try {
        const raw = readFileSync(join(dir, name))
        if (raw.length > MAX_BYTES) throw new Error(`is ${raw.length} bytes; an entry is at most ${MAX_BYTES}`)
        const parsed = CatalogEntry.safeParse(JSON.parse(raw.toString('utf8')))
        if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.') || 'the entry'} ${i.message}`).join('; '))
        byId.set(parsed.data.id, { ...parsed.data, source })
      } catch (e) {
        problems.push({ file, message: e instanceof SyntaxError ? `is not valid JSON: ${e.message}` : (e as Error).message })
      }
    }
  }
  const order = (k: string) => INTEGRATION_KINDS.indexOf(k as (typeof INTEGRATION_KINDS)[number])
  const entries = [...byId.values()].sort((a, b) => order(a.kind) - order(b.kind) || a.name.localeCompare(b.name))
  return { entries, problems }
}
