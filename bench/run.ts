/** `npm run bench [-- suite…]`: prints figures next to a baseline measured in the same run. */
import { benchFoundation } from './foundation'
import { benchLabs } from './labs'
import { benchImaging } from './imaging'
import { benchSync } from './sync'
import { benchBilling } from './billing'
import { benchProveniq } from './proveniq'

const SUITES: Record<string, () => Promise<void>> = { foundation: benchFoundation, labs: benchLabs, imaging: benchImaging, sync: benchSync, billing: benchBilling, proveniq: benchProveniq }

const asked = process.argv.slice(2).filter((a) => !a.startsWith('-'))
const run = asked.length ? asked : Object.keys(SUITES)
for (const name of run) {
  const suite = SUITES[name]
  if (!suite) {
    console.error(`Unknown bench suite "${name}". Suites: ${Object.keys(SUITES).join(', ')}`)
    process.exit(2)
  }
  console.log(`\n=== ${name} ===`)
  await suite()
}
