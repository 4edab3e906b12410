import { useEffect, useState } from 'react'
import { Button, Group, Modal, TextInput } from '@mantine/core'
import { onTextRequest, type TextRequest } from '../../imaging/textPrompt'

/** Answers the viewer's text questions (an arrow's label) with a modal; Electron has no window.prompt. */
export function TextPromptHost() {
  const [request, setRequest] = useState<TextRequest | null>(null)
  const [text, setText] = useState('')
  useEffect(
    () =>
      onTextRequest((r) => {
        setRequest(r)
        setText(r?.initial ?? '')
      }),
    []
  )
  const answer = (value: string | null) => {
    request?.resolve(value)
    setRequest(null)
  }
  return (
    <Modal opened={request !== null} onClose={() => answer(null)} title={request?.title ?? ''} size="sm">
      <form
        onSubmit={(e) => {
          e.preventDefault()
          answer(text.trim() || null)
        }}
      >
        <TextInput value={text} onChange={(e) => setText(e.currentTarget.value)} data-autofocus data-testid="arrow-text" maxLength={120} />
        <Group justify="flex-end" mt="sm">
          <Button variant="default" onClick={() => answer(null)}>
            Cancel
          </Button>
          <Button type="submit">OK</Button>
        </Group>
      </form>
    </Modal>
  )
}
