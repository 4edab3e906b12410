import { useEffect, useState } from 'react'
import { Button, Group, Modal, TextInput } from '@mantine/core'
import { registerPromptHost, type TextRequest } from '../prompt'

/**
 * Answers askText() with a modal. Questions asked while one is open wait their turn, so none is
 * lost and each promise settles exactly once.
 */
export function PromptHost() {
  const [queue, setQueue] = useState<TextRequest[]>([])
  const [text, setText] = useState('')
  const [touched, setTouched] = useState(false)
  const request = queue[0] ?? null
  useEffect(() => registerPromptHost((r) => setQueue((q) => [...q, r])), [])
  useEffect(() => {
    setText(request?.initial ?? '')
    setTouched(false)
  }, [request])

  const answer = (value: string | null) => {
    if (!request) return
    request.resolve(value)
    setQueue((q) => q.slice(1))
  }
  const trimmed = text.trim()
  const missing = request?.required && !trimmed
  return (
    <Modal opened={request !== null} onClose={() => answer(null)} title={request?.title ?? ''} size="lg" data-testid="prompt">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          setTouched(true)
          if (missing) return
          answer(trimmed || null)
        }}
      >
        <TextInput
          label={request?.label}
          description={request?.description}
          placeholder={request?.placeholder}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onFocus={(e) => e.currentTarget.select()}
          error={touched && missing ? 'Required' : undefined}
          maxLength={request?.maxLength}
          data-autofocus
          data-testid="prompt-input"
        />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => answer(null)} data-testid="prompt-cancel">
            {request?.dismissLabel ?? 'Cancel'}
          </Button>
          <Button type="submit" color={request?.danger ? 'red' : undefined} data-testid="prompt-ok">
            {request?.confirmLabel ?? 'OK'}
          </Button>
        </Group>
      </form>
    </Modal>
  )
}
