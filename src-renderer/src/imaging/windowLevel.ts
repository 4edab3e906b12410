/**
 * Window/level presets for radiographs. DX/CR pixel values are not Hounsfield units: their scale
 * depends on the detector and its processing, so fixed CT-style numbers would be wrong on most
 * files. Each preset is therefore taken from the file's own window (the modality's choice, or the
 * pixel range when the file has none): narrower for soft tissue, shifted toward dense for bone,
 * toward lucent for lung. MONOCHROME1 files (bright = low values) shift the other way.
 */
export interface VoiRange {
  lower: number
  upper: number
}

export type PresetId = 'default' | 'soft' | 'bone' | 'lung' | 'full'

export const PRESETS: { id: PresetId; label: string; hint: string }[] = [
  { id: 'default', label: 'Default', hint: 'The window the file came with' },
  { id: 'soft', label: 'Soft tissue', hint: 'Narrower window around the default centre' },
  { id: 'bone', label: 'Bone', hint: 'Narrower, centred toward dense structures' },
  { id: 'lung', label: 'Lung', hint: 'Centred toward air-filled structures' },
  { id: 'full', label: 'Full range', hint: 'Every stored value, darkest to brightest' }
]

export function presetRange(id: PresetId, base: VoiRange, full: VoiRange, monochrome1: boolean): VoiRange {
  const width = Math.max(1, base.upper - base.lower)
  const center = (base.upper + base.lower) / 2
  const dense = monochrome1 ? -1 : 1
  const around = (c: number, w: number) => ({ lower: c - w / 2, upper: c + w / 2 })
  switch (id) {
    case 'default':
      return base
    case 'soft':
      return around(center, width * 0.6)
    case 'bone':
      return around(center + dense * width * 0.2, width * 0.7)
    case 'lung':
      return around(center - dense * width * 0.25, width * 0.8)
    case 'full':
      return full
  }
}

export function windowLevelOf(r: VoiRange): { width: number; center: number } {
  return { width: Math.round(r.upper - r.lower), center: Math.round((r.upper + r.lower) / 2) }
}
