/**
 * cornerstone's ArrowAnnotate asks for its text with window.prompt by default, which Electron does
 * not implement. It asks through here instead, and <TextPromptHost> (components/imaging) answers
 * with a Mantine modal.
 */
export interface TextRequest {
  title: string
  initial: string
  resolve: (text: string | null) => void
}

let listener: ((r: TextRequest | null) => void) | null = null

export function onTextRequest(l: (r: TextRequest | null) => void): () => void {
  listener = l
  return () => {
    if (listener === l) listener = null
  }
}

export function askText(title: string, initial = ''): Promise<string | null> {
  if (!listener) return Promise.resolve(window.prompt(title, initial))
  return new Promise((resolve) => listener!({ title, initial, resolve }))
}
