/** Where a scanner's keys went, and filling a field as typing would: the DOM side of the wedge scan (burst.ts tells a scan from typing). */
export { WedgeDetector } from './burst'

/** Where the keys went decides what a scan does. */
export type ScanTarget = 'chip-field' | 'search-field' | 'other-field' | 'page'

const CHIP = /micro\s*chip|\bchip\b/i

/** A field meant for a chip: the patient form's Microchip, Lost/Found's chip box, or any marked data-chip-input. */
export function isChipField(el: Element | null): el is HTMLInputElement {
  if (!(el instanceof HTMLInputElement)) return false
  if (el.dataset.chipInput !== undefined) return true
  return CHIP.test(el.name) || CHIP.test(el.getAttribute('aria-label') ?? '') || CHIP.test(el.id) || (!!el.labels?.length && CHIP.test(el.labels[0].textContent ?? ''))
}

export function scanTarget(el: Element | null): ScanTarget {
  if (!el || el === document.body) return 'page'
  if (isChipField(el)) return 'chip-field'
  if (el instanceof HTMLInputElement) {
    if (el.type === 'search' || el.getAttribute('role') === 'searchbox' || /search/i.test(el.getAttribute('aria-label') ?? '') || el.dataset.scanGlobal !== undefined) return 'search-field'
    return ['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file'].includes(el.type) ? 'page' : 'other-field'
  }
  if (el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement || (el as HTMLElement).isContentEditable) return 'other-field'
  return 'page'
}

/** Puts text into a React-controlled input as typing would (React listens for the input event). */
export function fillInput(el: HTMLInputElement, text: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
  setter?.call(el, text)
  el.dispatchEvent(new Event('input', { bubbles: true }))
}
