/**
 * The app's one way to ask a person for a line of text (a reason for the audit log, an arrow's
 * label). Electron does not implement window.prompt or window.confirm, so nothing in the renderer
 * may call them: askText() hands the question to <PromptHost> (mounted once, in main.tsx), which
 * answers with a Mantine modal.
 */
export interface TextQuestion {
  /** the question, as the modal's title: "Cancel order LAB-123?" */
  title: string
  /** the input's label: "Reason (goes in the audit log)" */
  label?: string
  description?: string
  placeholder?: string
  /** text already in the input, selected so typing replaces it */
  initial?: string
  /** the confirm button's word ("OK" unless told) */
  confirmLabel?: string
  /** the dismiss button's word ("Cancel" unless told; say "Keep it" when the action itself is a cancel) */
  dismissLabel?: string
  /** a destructive action: the confirm button is red */
  danger?: boolean
  /** an empty answer is not accepted (the default: audit reasons must say something) */
  required?: boolean
  maxLength?: number
}

export interface TextRequest extends Required<Pick<TextQuestion, 'title' | 'initial' | 'required' | 'maxLength'>>, Omit<TextQuestion, 'title' | 'initial' | 'required' | 'maxLength'> {
  resolve: (text: string | null) => void
}

let host: ((r: TextRequest) => void) | null = null

/** Registers the one host; only <PromptHost> calls this. */
export function registerPromptHost(h: (r: TextRequest) => void): () => void {
  host = h
  return () => {
    if (host === h) host = null
  }
}

/** Asks for a line of text; resolves to the trimmed answer, or null when the person cancels. */
export function askText(q: TextQuestion): Promise<string | null> {
  if (!host) {
    // A programming error (the host is mounted at the root), never a reason to fall back to window.prompt.
    console.error('askText: no <PromptHost> is mounted')
    return Promise.resolve(null)
  }
  const h = host
  return new Promise((resolve) => h({ required: true, maxLength: 300, initial: '', ...q, resolve }))
}

/** The audit reason most actions ask for. */
export function askReason(title: string, opts: Omit<TextQuestion, 'title'> = {}): Promise<string | null> {
  return askText({ title, label: 'Reason', description: 'Goes in the audit log with your name.', ...opts })
}
