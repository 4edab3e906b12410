/**
 * The app's keyboard, in one place: Alt+digit opens a sidebar screen from anywhere, a text box
 * included (Alt+digit types nothing there); "/" goes to the patient search; "?" lists every
 * shortcut. "/" and "?" are characters in a text field, so there they are left alone.
 */
import { Fragment, useEffect, useState } from 'react'
import { Group, Kbd, Modal, SimpleGrid, Stack, Table, Text } from '@mantine/core'
import { useNavigate } from 'react-router-dom'
import { shortcutOf } from '../keys'

export interface NavShortcut {
  to: string
  label: string
  /** 'alt+N' */
  keys: string
}

/** What Patients reads from the address's state to put the cursor in its search box. */
export const FOCUS_SEARCH = 'focusSearch'

/** Shortcuts of particular screens, for the list (each screen handles its own). */
const SCREEN_SHORTCUTS: { where: string; keys: string[]; what: string }[] = [
  { where: 'Patients', keys: ['Enter'], what: 'Open the first match of the search' },
  { where: 'Patients', keys: ['Tab', 'Enter'], what: 'Move to another match and open it' },
  { where: 'Image viewer', keys: ['Delete'], what: 'Remove the selected measurement or annotation (Backspace too)' },
  { where: 'Image viewer', keys: ['Esc'], what: 'Leave the full-window image, back to the patient' },
  { where: 'Dialogs', keys: ['Esc'], what: 'Close the dialog without saving' }
]

const keyLabel = (keys: string) => keys.replace('alt+', 'Alt+')

export function KeyboardShortcuts({ nav }: { nav: NavShortcut[] }) {
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return
      const asked = shortcutOf(e)
      if (!asked) return
      if (asked.kind === 'nav') {
        const entry = nav.find((n) => n.keys === `alt+${asked.digit}`)
        if (!entry) return
        e.preventDefault()
        setOpen(false)
        navigate(entry.to)
      } else if (asked.kind === 'search') {
        e.preventDefault()
        setOpen(false)
        // A fresh state each time: on Patients already, the search box takes the cursor again.
        navigate('/patients', { state: { [FOCUS_SEARCH]: Date.now() } })
      } else {
        e.preventDefault()
        setOpen(true)
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [nav, navigate])

  return (
    <Modal opened={open} onClose={() => setOpen(false)} title="Keyboard shortcuts" size={720}>
      <div data-testid="shortcuts-overlay">
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
          <Stack gap={4}>
            <Text fw={600} size="sm">
              Go to (works in a text box too)
            </Text>
            <Table verticalSpacing={2} withRowBorders={false}>
              <Table.Tbody>
                {[...nav].sort((a, b) => a.keys.localeCompare(b.keys)).map((n) => (
                  <Table.Tr key={n.to}>
                    <Table.Td w={70}>
                      <Kbd size="xs">{keyLabel(n.keys)}</Kbd>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{n.label}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Stack>
          <Stack gap={4}>
            <Text fw={600} size="sm">
              Anywhere (not while typing)
            </Text>
            <Table verticalSpacing={2} withRowBorders={false}>
              <Table.Tbody>
                <Table.Tr>
                  <Table.Td w={70}>
                    <Kbd size="xs">/</Kbd>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">Find a patient (the search box on Patients)</Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>
                    <Kbd size="xs">?</Kbd>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">This list</Text>
                  </Table.Td>
                </Table.Tr>
                <Table.Tr>
                  <Table.Td>
                    <Kbd size="xs">Esc</Kbd>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">Close this list</Text>
                  </Table.Td>
                </Table.Tr>
              </Table.Tbody>
            </Table>
          </Stack>
        </SimpleGrid>
        <Text fw={600} size="sm" mt="md">
          On a screen
        </Text>
        <Table verticalSpacing={2} withRowBorders={false}>
          <Table.Tbody>
            {SCREEN_SHORTCUTS.map((s) => (
              <Table.Tr key={`${s.where}:${s.keys.join('+')}`}>
                <Table.Td w={120}>
                  <Text size="sm" c="dimmed">
                    {s.where}
                  </Text>
                </Table.Td>
                <Table.Td w={130} style={{ whiteSpace: 'nowrap' }}>
                  <Group gap={4} wrap="nowrap">
                    {s.keys.map((k, i) => (
                      <Fragment key={k}>
                        {i > 0 && <Text size="xs">then</Text>}
                        <Kbd size="xs">{k}</Kbd>
                      </Fragment>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{s.what}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </div>
    </Modal>
  )
}
