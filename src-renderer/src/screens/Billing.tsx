import { Stack, Tabs, Text, Title } from '@mantine/core'
import { IconCalendarDollar, IconChartBar, IconCreditCard, IconFileInvoice, IconReportMoney } from '@tabler/icons-react'
import { useSearchParams } from 'react-router-dom'
import { EndOfDayTab } from '../components/billing-screen/EndOfDayTab'
import { InvoiceDrawer } from '../components/billing-screen/InvoiceDrawer'
import { InvoicesTab } from '../components/billing-screen/InvoicesTab'
import { PaymentsTab } from '../components/billing-screen/PaymentsTab'
import { PlansTab } from '../components/billing-screen/PlansTab'
import { ReportsTab } from '../components/billing-screen/ReportsTab'
import { useBillingRoles } from '../components/billing-screen/shared'

type Tab = 'invoices' | 'payments' | 'plans' | 'reports' | 'eod'

/**
 * Billing (Operations): invoices, payments and refunds, payment plans, Financial Reports
 * (administrators) and the end-of-day card reconciliation (front desk and administrators).
 * The tab and the open invoice live in the address (?tab=…&invoice=…), so other screens can link here.
 */
export function BillingScreen() {
  const { admin, desk } = useBillingRoles()
  const [params, setParams] = useSearchParams()
  const allowed: Tab[] = ['invoices', 'payments', 'plans', ...(admin ? (['reports'] as const) : []), ...(desk ? (['eod'] as const) : [])]
  const asked = params.get('tab') as Tab | null
  const tab: Tab = asked && allowed.includes(asked) ? asked : 'invoices'
  const invoiceId = params.get('invoice')

  const set = (patch: Record<string, string | null>) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p)
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) next.delete(k)
          else next.set(k, v)
        }
        return next
      },
      { replace: true }
    )
  const openInvoice = (id: string) => set({ invoice: id })

  return (
    <Stack maw={1400}>
      <div>
        <Title order={2}>Billing</Title>
        <Text c="dimmed" size="sm">
          Invoices, payments and refunds, payment plans{admin ? ', and the clinic’s financial reports' : ''}.
        </Text>
      </div>
      <Tabs value={tab} onChange={(v) => set({ tab: v === 'invoices' ? null : v })} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="invoices" leftSection={<IconFileInvoice size={16} />} data-testid="billing-tab-invoices">
            Invoices
          </Tabs.Tab>
          <Tabs.Tab value="payments" leftSection={<IconCreditCard size={16} />} data-testid="billing-tab-payments">
            Payments
          </Tabs.Tab>
          <Tabs.Tab value="plans" leftSection={<IconCalendarDollar size={16} />} data-testid="billing-tab-plans">
            Payment plans
          </Tabs.Tab>
          {admin && (
            <Tabs.Tab value="reports" leftSection={<IconChartBar size={16} />} data-testid="billing-tab-reports">
              Financial Reports
            </Tabs.Tab>
          )}
          {desk && (
            <Tabs.Tab value="eod" leftSection={<IconReportMoney size={16} />} data-testid="billing-tab-eod">
              End of day
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="invoices" pt="md">
          <Stack>
            <InvoicesTab onOpen={openInvoice} />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="payments" pt="md">
          <Stack>
            <PaymentsTab />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="plans" pt="md">
          <PlansTab onOpen={openInvoice} />
        </Tabs.Panel>
        {admin && (
          <Tabs.Panel value="reports" pt="md">
            <ReportsTab />
          </Tabs.Panel>
        )}
        {desk && (
          <Tabs.Panel value="eod" pt="md">
            <EndOfDayTab />
          </Tabs.Panel>
        )}
      </Tabs>
      <InvoiceDrawer invoiceId={invoiceId} onClose={() => set({ invoice: null })} onOpen={openInvoice} />
    </Stack>
  )
}
