/** The records a route can name in its path, each of which belongs to one person. */
export type PersonVia =
  'person' | 'action' | 'appointment' | 'cidEntry' | 'drugTest' | 'failure' | 'membership' | 'partnerLink' | 'referral'
