/**
 * The demo's unprofiled device: a urine chemistry analyzer nobody has set up yet, as a clinic
 * meets one. It speaks ASTM, but in its own way: the species in P-15 as "CN"/"FE", sex as 1/2,
 * its own result codes (USG, UPH, UPRO, UGLU), the pet and owner typed at the instrument and its
 * own sample numbers. VetOS meets it in capture mode (Integrations → Capture).
 */
import { astmStamp, headerRecord, record, testId } from '../astm/records'
import type { AnalyzerSimulator } from './analyzer'
import { rng } from '../demo/people'

export interface UrinalysisPatient {
  pet: string
  owner: string
  species: string
  sex: string
}

const SPECIES: Record<string, string> = { canine: 'CN', feline: 'FE' }
const SEX: Record<string, string> = { male: '1', female: '2' }

/** One run of the strip reader: its records, as it sends them. */
export function urinalysisRun(n: number, p: UrinalysisPatient, now: Date, random: () => number): string[] {
  const sg = (1.008 + random() * 0.04).toFixed(3)
  const ph = (5.5 + random() * 2).toFixed(1)
  const protein = random() < 0.8 ? 'NEG' : '1+'
  const glucose = random() < 0.9 ? 'NEG' : '2+'
  return [
    headerRecord('URISCAN', now),
    record(['P', 1, '', '', '', [p.owner, p.pet], '', '', SEX[p.sex] ?? '0', '', '', '', '', '', SPECIES[p.species] ?? 'OT']),
    record(['O', 1, `U${String(n).padStart(5, '0')}`, '', [testId('UA')], 'R', '', astmStamp(now)]),
    record(['R', 1, testId('USG'), sg, '', '1.015-1.045', '', '', 'F']),
    record(['R', 2, testId('UPH'), ph, '', '5.5-7.5', '', '', 'F']),
    record(['R', 3, testId('UPRO'), protein, '', 'NEG', protein === 'NEG' ? 'N' : 'A', '', 'F']),
    record(['R', 4, testId('UGLU'), glucose, '', 'NEG', glucose === 'NEG' ? 'N' : 'A', '', 'F']),
    'L|1|N'
  ]
}

/** Runs a sample every `everyMs` while connected (the first soon after), up to `max` runs. */
export function runUrinalysis(sim: AnalyzerSimulator, patients: UrinalysisPatient[], opts: { firstMs: number; everyMs: number; max: number; log: (line: string) => void }): { stop(): void } {
  const random = rng(417)
  let n = 0
  let timer: NodeJS.Timeout | null = null
  const tick = async () => {
    if (sim.connected && patients.length) {
      const p = patients[n % patients.length]
      await sim.transmit(urinalysisRun(++n, p, new Date(), random)).catch((e) => opts.log(`[urinalysis] could not send: ${(e as Error).message}`))
    }
    if (n < opts.max) timer = setTimeout(() => void tick(), sim.connected ? opts.everyMs : 2000)
  }
  timer = setTimeout(() => void tick(), opts.firstMs)
  return { stop: () => timer && clearTimeout(timer) }
}
