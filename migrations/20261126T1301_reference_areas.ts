import { sql, type Kysely } from 'kysely'

// The first place of use: the Met's East Area BCU and its three boroughs. More areas are
// added as reference data; every person and every user belongs to at least one.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    insert into area (code, name, kind) values ('EA', 'East Area BCU', 'bcu')`.execute(db)
  await sql`
    insert into area (code, name, kind, parent_id)
    select v.code, v.name, 'borough', (select id from area where code = 'EA')
    from (values ('HV', 'Havering'), ('BD', 'Barking and Dagenham'), ('RB', 'Redbridge')) as v(code, name)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from area where code in ('HV', 'BD', 'RB', 'EA')`.execute(db)
}
