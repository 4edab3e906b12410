/**
 * Keyboard-wedge microchip scanners type the chip as keystrokes, far faster than a person, and
 * press Enter. This tells such a burst from typing: at least MIN_LENGTH printable keys ending in
 * Enter, the typical (median) gap between them at most MEDIAN_GAP_MS. A person typing a chip by hand
 * is slower (over 80 ms a key even for fast typists) and is left alone. A single longer gap (up to
 * STALL_MS) does not break a burst: the page may be busy re-rendering what the first keys typed
 * into a field, and the keys then arrive late.
 */
export const MEDIAN_GAP_MS = 40
export const STALL_MS = 400
export const MIN_LENGTH = 6

const MODIFIERS = new Set(['Shift', 'Control', 'Alt', 'Meta', 'AltGraph', 'CapsLock'])

export class WedgeDetector {
  private chars: string[] = []
  private gaps: number[] = []
  private last = -Infinity

  constructor(private readonly medianGapMs = MEDIAN_GAP_MS, private readonly minLength = MIN_LENGTH) {}

  /** Feeds one keydown (its key and time, ms); answers the burst when an Enter ends one. */
  key(key: string, at: number): string | null {
    // A scanner holds Shift for "*" or capitals: modifiers neither count nor break a burst.
    if (MODIFIERS.has(key)) return null
    const gap = at - this.last
    if (key.length === 1) {
      if (gap > STALL_MS) {
        this.chars = []
        this.gaps = []
      } else this.gaps.push(gap)
      this.chars.push(key)
      this.last = at
      return null
    }
    const gaps = [...this.gaps, gap].sort((a, b) => a - b)
    const burst = key === 'Enter' && this.chars.length >= this.minLength && gap <= STALL_MS && gaps[Math.floor(gaps.length / 2)] <= this.medianGapMs ? this.chars.join('') : null
    this.chars = []
    this.gaps = []
    this.last = -Infinity
    return burst
  }
}
