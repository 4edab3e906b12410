import { useEffect, useRef } from 'react'
import { useSearchParams } from 'react-router-dom'

/**
 * One item a link points at (?order=…, ?study=…, ?report=…: where a notification opens): true for
 * that item, which is scrolled into view once it is on the screen.
 */
export function useLinkedItem<T extends HTMLElement>(param: string, id: string): { focused: boolean; ref: React.RefObject<T | null> } {
  const [params] = useSearchParams()
  const focused = params.get(param) === id
  const ref = useRef<T | null>(null)
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView({ block: 'center' })
  }, [focused])
  return { focused, ref }
}

/** How an item a link points at stands out. */
export const LINKED_STYLE = { outline: '2px solid var(--mantine-color-blue-5)', outlineOffset: 2 } as const
