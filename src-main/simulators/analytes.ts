/**
 * Plausible values for the simulators: per test code, the analytes a lab reports with a canine
 * reference range (LOINC-like local codes), and a cat's ranges (panelFor). Values fall in range most of the time.
 */
export interface Analyte {
  code: string
  name: string
  units: string
  low: number
  high: number
  decimals: number
}

export const PANELS: Record<string, { title: string; analytes: Analyte[] }> = {
  CBC: {
    title: 'Complete blood count',
    analytes: [
      { code: 'WBC', name: 'White blood cells', units: '10*9/L', low: 5.05, high: 16.76, decimals: 2 },
      { code: 'RBC', name: 'Red blood cells', units: '10*12/L', low: 5.65, high: 8.87, decimals: 2 },
      { code: 'HGB', name: 'Hemoglobin', units: 'g/dL', low: 13.1, high: 20.5, decimals: 1 },
      { code: 'HCT', name: 'Hematocrit', units: '%', low: 37.3, high: 61.7, decimals: 1 },
      { code: 'PLT', name: 'Platelets', units: '10*9/L', low: 148, high: 484, decimals: 0 }
    ]
  },
  CHEM10: {
    title: 'Chemistry panel',
    analytes: [
      { code: 'ALB', name: 'Albumin', units: 'g/dL', low: 2.3, high: 4.0, decimals: 1 },
      { code: 'ALP', name: 'Alkaline phosphatase', units: 'U/L', low: 23, high: 212, decimals: 0 },
      { code: 'ALT', name: 'Alanine aminotransferase', units: 'U/L', low: 10, high: 125, decimals: 0 },
      { code: 'BUN', name: 'Urea nitrogen', units: 'mg/dL', low: 7, high: 27, decimals: 0 },
      { code: 'CREA', name: 'Creatinine', units: 'mg/dL', low: 0.5, high: 1.8, decimals: 1 },
      { code: 'GLU', name: 'Glucose', units: 'mg/dL', low: 74, high: 143, decimals: 0 },
      { code: 'TP', name: 'Total protein', units: 'g/dL', low: 5.2, high: 8.2, decimals: 1 },
      { code: 'CA', name: 'Calcium', units: 'mg/dL', low: 7.9, high: 12.0, decimals: 1 },
      { code: 'PHOS', name: 'Phosphorus', units: 'mg/dL', low: 2.5, high: 6.8, decimals: 1 },
      { code: 'CHOL', name: 'Cholesterol', units: 'mg/dL', low: 110, high: 320, decimals: 0 }
    ]
  },
  T4: { title: 'Total T4', analytes: [{ code: 'T4', name: 'Thyroxine (T4)', units: 'ug/dL', low: 1.0, high: 4.0, decimals: 1 }] },
  UA: {
    title: 'Urinalysis',
    analytes: [
      { code: 'USG', name: 'Urine specific gravity', units: '', low: 1.015, high: 1.045, decimals: 3 },
      { code: 'UPH', name: 'Urine pH', units: '', low: 5.5, high: 7.5, decimals: 1 }
    ]
  }
}

/** Where a cat's reference ranges differ from a dog's (a reference lab reports each species against its own). */
const FELINE: Record<string, [number, number]> = {
  WBC: [2.87, 17.02], RBC: [6.54, 12.2], HGB: [9.8, 16.2], HCT: [30.3, 52.3], PLT: [151, 600],
  ALB: [2.2, 4.0], ALP: [14, 111], ALT: [12, 130], BUN: [16, 36], CREA: [0.8, 2.4], GLU: [71, 159], TP: [5.7, 8.9], CA: [7.8, 11.3], PHOS: [3.1, 7.5], CHOL: [65, 225],
  T4: [0.8, 4.7], USG: [1.035, 1.06], UPH: [6.0, 7.5]
}

/** A panel's analytes with the species' reference ranges: a cat's where they differ, else the canine ones. */
export function panelFor(code: string, species: string | null | undefined): { title: string; analytes: Analyte[] } | undefined {
  const panel = PANELS[code]
  if (!panel || !/^(feline|cat)$/i.test(species ?? '')) return panel
  return { title: panel.title, analytes: panel.analytes.map((a) => (FELINE[a.code] ? { ...a, low: FELINE[a.code][0], high: FELINE[a.code][1] } : a)) }
}

/** A value: usually in range, sometimes high or low, rarely critical. */
export function simulateValue(a: Analyte, rnd: () => number): { value: string; flag: string } {
  const span = a.high - a.low
  const roll = rnd()
  let v: number
  if (roll < 0.78) v = a.low + span * (0.1 + 0.8 * rnd())
  else if (roll < 0.88) v = a.high + span * (0.05 + 0.3 * rnd())
  else if (roll < 0.97) v = Math.max(0, a.low - span * (0.05 + 0.2 * rnd()))
  else v = a.high + span * (1.2 + rnd())
  const value = v.toFixed(a.decimals)
  const n = Number(value)
  const flag = n > a.high + span ? 'HH' : n > a.high ? 'H' : n < a.low ? 'L' : 'N'
  return { value, flag }
}

export const rangeText = (a: Analyte): string => `${a.low.toFixed(a.decimals)}-${a.high.toFixed(a.decimals)}`
