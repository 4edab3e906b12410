/** What a key press means to the app's shortcuts (components/KeyboardShortcuts), apart from React so that it is testable. */

/** The parts of a keydown the shortcuts read (a KeyboardEvent has them; plain objects in tests). */
export interface KeyPress {
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  code: string
  key: string
  target: unknown
}

/** Is the person typing into something (where "/" and "?" are text)? */
export function isTyping(target: unknown): boolean {
  const el = target as { tagName?: unknown; isContentEditable?: unknown } | null
  if (!el || typeof el.tagName !== 'string') return false
  return el.isContentEditable === true || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName.toUpperCase())
}

/** The digit of an Alt+digit press, by the physical key (macOS's Option+2 types "™"), or null. */
export function altDigit(e: Omit<KeyPress, 'target'>): string | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null
  const m = /^(?:Digit|Numpad)(\d)$/.exec(e.code ?? '') ?? /^(\d)$/.exec(e.key ?? '')
  return m ? m[1] : null
}

/** The app-wide shortcut a key press asks for, or null: a sidebar screen, the patient search, the list of shortcuts. */
export function shortcutOf(e: KeyPress): { kind: 'nav'; digit: string } | { kind: 'search' } | { kind: 'help' } | null {
  const digit = altDigit(e)
  if (digit !== null) return { kind: 'nav', digit }
  if (e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return null
  if (e.key === '/') return { kind: 'search' }
  if (e.key === '?') return { kind: 'help' }
  return null
}
