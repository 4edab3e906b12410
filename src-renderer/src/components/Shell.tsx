import { Fragment, type ReactNode } from 'react'
import { AppShell, Avatar, Badge, Group, Kbd, Menu, NavLink, Text, Tooltip, UnstyledButton } from '@mantine/core'
import { IconCalendarEvent, IconPaw, IconFlask, IconRadioactive, IconShieldCheck, IconPlugConnected, IconSettings, IconLogout, IconSwitchHorizontal, IconCashRegister, IconReceipt } from '@tabler/icons-react'
import { IconDog } from '@tabler/icons-react'
import { NavLink as RouterLink, useLocation, useNavigate } from 'react-router-dom'
import { useApi, useCall, useLiveEvents } from '../api/hooks'
import { useMe } from '../App'
import { ROLE_LABEL } from '../format'
import { NotificationCenter } from './NotificationCenter'
import { SyncIndicator } from './SyncIndicator'
import { ScreenErrorBoundary } from './ScreenErrorBoundary'
import { ScanHandler } from '../scan/ScanHandler'
import { KeyboardShortcuts } from './KeyboardShortcuts'
import { useToastBurst } from './toast-burst'

/** Sidebar entries appear only once their feature works, in sections. */
const NAV = [
  // the home screen; Alt+0 so that the other screens keep their numbers
  { to: '/today', label: 'Today', icon: IconCalendarEvent, keys: 'alt+0', section: '' },
  { to: '/patients', label: 'Patients', icon: IconPaw, keys: 'alt+1', section: 'Clinical' },
  { to: '/lab-review', label: 'Lab Review', icon: IconFlask, keys: 'alt+2', section: 'Clinical' },
  { to: '/imaging-review', label: 'Imaging Review', icon: IconRadioactive, keys: 'alt+3', section: 'Clinical' },
  { to: '/checkout', label: 'Checkout', icon: IconCashRegister, keys: 'alt+7', section: 'Operations' },
  { to: '/billing', label: 'Billing', icon: IconReceipt, keys: 'alt+8', section: 'Operations' },
  { to: '/lost-found', label: 'Lost/Found', icon: IconDog, keys: 'alt+9', section: 'Operations' },
  { to: '/audit', label: 'Audit Log', icon: IconShieldCheck, keys: 'alt+4', section: 'Administration' },
  { to: '/integrations', label: 'Integrations', icon: IconPlugConnected, keys: 'alt+5', section: 'Administration' },
  { to: '/settings', label: 'Settings', icon: IconSettings, keys: 'alt+6', section: 'Administration' }
]

export function Shell({ children }: { children: ReactNode }) {
  const api = useApi()
  const me = useMe()
  const info = useCall('app.info', {})
  const review = useCall('labs.reviewCount', {})
  const waiting = review.data?.count ?? 0
  const imagingReview = useCall('imaging.reviewCount', {})
  const counts: Record<string, { n: number; testId: string }> = {
    '/lab-review': { n: waiting, testId: 'review-count' },
    '/imaging-review': { n: imagingReview.data?.count ?? 0, testId: 'imaging-review-count' }
  }
  const location = useLocation()
  const navigate = useNavigate()
  const burst = useToastBurst()
  useLiveEvents((e) => {
    if (e.type === 'notification') burst(e.payload)
  })
  // The next person starts from Today, not from whatever the last one had open.
  const signOut = () => {
    navigate('/today')
    void api.call('auth.logout', {})
  }

  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="xs">
            <IconPaw size={22} color="var(--mantine-color-teal-7)" />
            <Text fw={700}>VetOS</Text>
            <Text c="dimmed">{info.data?.clinicName}</Text>
            {info.data?.demo && (
              <Badge variant="light" color="grape" size="sm">
                demo
              </Badge>
            )}
          </Group>
          <Group gap="sm">
            <Tooltip label="Find a patient, from any screen">
              <Text size="xs" c="dimmed" visibleFrom="md">
                <Kbd>/</Kbd> search
              </Text>
            </Tooltip>
            <Tooltip label="Every keyboard shortcut">
              <Text size="xs" c="dimmed" visibleFrom="md">
                <Kbd>?</Kbd> shortcuts
              </Text>
            </Tooltip>
            <SyncIndicator />
            <NotificationCenter />
            <Menu position="bottom-end" withArrow>
              <Menu.Target>
                <UnstyledButton aria-label="Account" data-testid="account-menu">
                  <Group gap={8}>
                    <Avatar color="teal" radius="xl" size="sm">
                      {me.displayName.replace(/^Dr\.\s*/, '').split(' ').map((w) => w[0]).join('').slice(0, 2)}
                    </Avatar>
                    <div>
                      <Text size="sm" fw={500} lh={1.1}>
                        {me.displayName}
                      </Text>
                      <Text size="xs" c="dimmed" lh={1.1}>
                        {ROLE_LABEL[me.role]}
                      </Text>
                    </div>
                  </Group>
                </UnstyledButton>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item leftSection={<IconSwitchHorizontal size={16} />} onClick={signOut}>
                  Switch user
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={16} />} onClick={signOut}>
                  Sign out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        {NAV.map((n, k) => (
          <Fragment key={n.to}>
          {n.section && n.section !== NAV[k - 1]?.section && (
            <Text size="xs" fw={600} c="dimmed" tt="uppercase" px="sm" pt={k ? 'md' : 4} pb={4} data-testid={`nav-section-${n.section.toLowerCase()}`}>
              {n.section}
            </Text>
          )}
          <NavLink
            component={RouterLink}
            to={n.to}
            label={n.label}
            leftSection={<n.icon size={18} />}
            rightSection={
              (counts[n.to]?.n ?? 0) > 0 ? (
                <Badge color="orange" size="sm" data-testid={counts[n.to].testId}>
                  {counts[n.to].n}
                </Badge>
              ) : (
                <Text size="xs" c="dimmed" aria-hidden>
                  {n.keys.replace('alt+', 'Alt+')}
                </Text>
              )
            }
            active={location.pathname.startsWith(n.to)}
          />
          </Fragment>
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <ScreenErrorBoundary key={location.pathname}>{children}</ScreenErrorBoundary>
        {/* microchip scans (keyboard-wedge and serial) anywhere in the app */}
        <ScanHandler />
        {/* Alt+digit, "/" and the "?" list of shortcuts */}
        <KeyboardShortcuts nav={NAV} />
      </AppShell.Main>
    </AppShell>
  )
}
