// The columns by which other features' queries show a person, joined as `p`: one list each, so
// that every list and record page names people the same way.

/** A person as a list row links to them: their id (as person_id) and name. */
export const personLinkColumns = ['p.id as person_id', 'p.surname', 'p.forenames'] as const

/** A person on a list of work to do: linked, named, and told apart by their PNC ID. */
export const personListColumns = [...personLinkColumns, 'p.pnc_id'] as const

/** A person at the head of a record's page: name, date of birth and PNC ID. */
export const personIdentityColumns = ['p.surname', 'p.forenames', 'p.date_of_birth', 'p.pnc_id'] as const
