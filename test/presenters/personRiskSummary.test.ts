import { describe, expect, it } from 'vitest'
import { presentRiskSummary } from '../../server/features/personPage/personPagePresenter.ts'
import type { PersonPanels } from '../../server/features/personPage/personPanels.ts'

// The person banner's risk line, worked out from the panels the page already reads: tiers of open
// memberships, failures circulated as wanted, open partner links, the restriction, and the current
// warning markers with their start dates.

type Membership = PersonPanels['memberships'][number]
type Failure = PersonPanels['failures'][number]
type Link = PersonPanels['links'][number]
type Marker = PersonPanels['markers'][number]

const membership = (changes: Partial<Membership>): Membership => ({
  id: 'm1',
  programme: 'iom_fixed',
  status: 'active',
  tier: 'red',
  lead_officer_id: 'u1',
  selection_score: '25',
  selection_method: 'rfg',
  selection_date: '2026-01-05',
  adopted_on: '2026-01-05',
  ended_on: null,
  version: 1,
  lead_officer_name: 'PC Jones',
  ...changes,
})

const failure = (changes: Partial<Failure>): Failure => ({
  id: 'f1',
  section: 's12',
  failure_date: '2026-11-02',
  time_bar_date: '2027-05-02',
  status: 'wanted',
  statement_produced_on: '2026-11-03',
  wanted_since: '2026-11-04',
  wanted_reference: 'WM/2611/0042',
  version: 1,
  ...changes,
})

const link = (changes: Partial<Link>): Link =>
  ({
    id: 'l1',
    agency: 'marac',
    reference: 'MARAC-1',
    status: 'open',
    opened_on: '2026-10-01',
    closed_on: null,
    agreement_name: 'East Area MARAC',
    ...changes,
  }) as Link

const marker = (changes: Partial<Marker>): Marker => ({
  id: 'k1',
  marker_code: 'violent',
  label: 'Violent',
  start_date: '2026-02-01',
  review_date: null,
  note: null,
  ended_on: null,
  set_by_name: 'PC Jones',
  ...changes,
})

const nothing = { markers: [], memberships: [], failures: [], links: [] }

describe('the risk summary', () => {
  it('for a person with no risk recorded, states that they are not wanted and have no open links', () => {
    expect(presentRiskSummary({ person: { restricted: false }, ...nothing })).toEqual({
      line: [
        { text: 'Not wanted', alert: false },
        { text: 'No open safeguarding links', alert: false },
      ],
      markers: [],
    })
  })

  it('names the tier of each open membership, not of ended ones or ones without a tier', () => {
    const summary = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      memberships: [
        membership({ tier: 'amber' }),
        membership({ id: 'm2', programme: 'iom_flex', status: 'in_custody', tier: 'green' }),
        membership({ id: 'm3', status: 'ended', tier: 'red', ended_on: '2026-03-01' }),
        membership({ id: 'm4', programme: 'dip', tier: null }),
      ],
    })
    expect(summary.line.slice(0, 2)).toEqual([
      { text: 'Tier Amber (IOM Fixed)', alert: false },
      { text: 'Tier Green (IOM Flex)', alert: false },
    ])
    expect(summary.line).toHaveLength(4)
  })

  it('states each failure circulated as wanted, with its date, circulation and reference; other failures are not wanted', () => {
    const summary = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      failures: [
        failure({}),
        failure({ id: 'f2', section: 's14', status: 'open', wanted_since: null, wanted_reference: null }),
        failure({ id: 'f3', status: 'arrested' }),
        failure({ id: 'f4', status: 'time_barred' }),
      ],
    })
    expect(summary.line).toContainEqual({
      text: 'Wanted for S12 failure of 2 November 2026, circulated 4 November 2026 (WM/2611/0042)',
      alert: true,
    })
    expect(summary.line.filter((part) => part.text.startsWith('Wanted'))).toHaveLength(1)
    expect(summary.line).not.toContainEqual({ text: 'Not wanted', alert: false })

    const notWanted = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      failures: [failure({ status: 'charged' })],
    })
    expect(notWanted.line).toContainEqual({ text: 'Not wanted', alert: false })
  })

  it('names each agency with an open link once, leaving closed links out', () => {
    const summary = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      links: [
        link({}),
        link({ id: 'l2', agency: 'mash' }),
        link({ id: 'l3', agency: 'marac', reference: 'MARAC-2' }),
        link({ id: 'l4', agency: 'yos', status: 'closed', closed_on: '2026-09-01' }),
      ],
    })
    expect(summary.line).toContainEqual({ text: 'Open safeguarding links: MARAC, MASH', alert: true })
    const closedOnly = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      links: [link({ status: 'closed' })],
    })
    expect(closedOnly.line).toContainEqual({ text: 'No open safeguarding links', alert: false })
  })

  it('says a record is restricted, last on the line', () => {
    const summary = presentRiskSummary({ person: { restricted: true }, ...nothing })
    expect(summary.line.at(-1)).toEqual({ text: 'Restricted record', alert: true })
  })

  it('lists the current warning markers with their start dates, in the order read, and not ended ones', () => {
    const summary = presentRiskSummary({
      person: { restricted: false },
      ...nothing,
      markers: [
        marker({}),
        marker({ id: 'k2', marker_code: 'weapons', label: 'Weapons', start_date: '2025-07-14' }),
        marker({ id: 'k3', marker_code: 'drugs', label: 'Drugs', ended_on: '2026-06-30' }),
      ],
    })
    expect(summary.markers).toEqual([
      { label: 'Violent', since: '1 February 2026' },
      { label: 'Weapons', since: '14 July 2025' },
    ])
  })
})
