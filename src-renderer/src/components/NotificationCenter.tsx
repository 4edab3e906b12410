import { useState } from 'react'
import { ActionIcon, Button, Drawer, Group, Indicator, Paper, Stack, Text } from '@mantine/core'
import { IconBell } from '@tabler/icons-react'
import { useNavigate } from 'react-router-dom'
import { useAction, useCall } from '../api/hooks'
import { dateTime } from '../format'
import type { Notification } from '../../../src-preload/contract'

const COLOR = { info: 'teal', warning: 'yellow', critical: 'red' } as const

/** Where a notification opens: its own link, else its patient's page. */
export function notificationTarget(n: Pick<Notification, 'link' | 'patientId'>): string | null {
  return n.link ?? (n.patientId ? `/patients/${n.patientId}` : null)
}

/** The bell: unread count, and a drawer of what needs this person's attention. Updates live. */
export function NotificationCenter() {
  const [open, setOpen] = useState(false)
  const list = useCall('notifications.list', { limit: 50 })
  const markRead = useAction('notifications.markRead')
  const navigate = useNavigate()
  const items = list.data ?? []
  const unread = items.filter((n) => !n.readAt)
  const openNote = (n: Notification, target: string | null) => {
    if (!n.readAt) markRead.mutate({ ids: [n.id] })
    if (target) {
      setOpen(false)
      navigate(target)
    }
  }

  return (
    <>
      <Indicator label={unread.length} size={16} disabled={unread.length === 0} color="red" offset={4}>
        <ActionIcon variant="subtle" size="lg" aria-label={`Notifications (${unread.length} unread)`} onClick={() => setOpen(true)} data-testid="notifications-bell">
          <IconBell size={20} />
        </ActionIcon>
      </Indicator>
      <Drawer opened={open} onClose={() => setOpen(false)} position="right" title="Notifications" size="md">
        <Stack gap="xs">
          {unread.length > 0 && (
            <Group justify="flex-end">
              <Button size="xs" variant="subtle" onClick={() => markRead.mutate({ ids: unread.map((n) => n.id) })}>
                Mark all read
              </Button>
            </Group>
          )}
          {items.length === 0 && <Text c="dimmed">Nothing needs your attention.</Text>}
          {items.map((n) => {
            const target = notificationTarget(n)
            return (
            <Paper
              key={n.id}
              withBorder
              p="sm"
              style={{ borderLeft: `4px solid var(--mantine-color-${COLOR[n.severity]}-6)`, opacity: n.readAt ? 0.6 : 1, cursor: target ? 'pointer' : undefined }}
              data-testid="notification"
              // A notification opens the exact place it is about (the order, the study, the review item), by mouse or keyboard.
              role="button"
              tabIndex={0}
              onClick={() => openNote(n, target)}
              onKeyDown={(e: React.KeyboardEvent) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  openNote(n, target)
                }
              }}
            >
              <Text fw={n.readAt ? 400 : 600} size="sm">
                {n.title}
              </Text>
              {n.body && <Text size="sm">{n.body}</Text>}
              <Text size="xs" c="dimmed">
                {dateTime(n.createdAt)}
              </Text>
            </Paper>
            )
          })}
        </Stack>
      </Drawer>
    </>
  )
}
