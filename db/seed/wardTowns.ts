// Where synthetic people live: the post town and district of each current ward of East Area's
// three boroughs, so that an address agrees with its ward. Shared by the demo data and the
// volume generator; a ward added later (by an administrator) falls back to its borough's towns.

export type DemoBorough = 'HV' | 'BD' | 'RB'

export const wardTowns: Record<DemoBorough, Record<string, string>> = {
  HV: {
    "St Edward's": 'Romford RM1',
    "St Alban's": 'Romford RM1',
    'Marshalls & Rise Park': 'Romford RM1',
    Mawneys: 'Romford RM7',
    'Rush Green & Crowlands': 'Romford RM7',
    'Havering-atte-Bower': 'Romford RM4',
    Gooshays: 'Romford RM3',
    Heaton: 'Romford RM3',
    'Harold Wood': 'Romford RM3',
    'Squirrels Heath': 'Romford RM2',
    'Emerson Park': 'Hornchurch RM11',
    "St Andrew's": 'Hornchurch RM11',
    'Hylands & Harrow Lodge': 'Hornchurch RM12',
    Hacton: 'Hornchurch RM12',
    'Elm Park': 'Hornchurch RM12',
    'South Hornchurch': 'Rainham RM13',
    'Rainham & Wennington': 'Rainham RM13',
    'Beam Park': 'Rainham RM13',
    Upminster: 'Upminster RM14',
    Cranham: 'Upminster RM14',
  },
  BD: {
    Abbey: 'Barking IG11',
    'Barking Riverside': 'Barking IG11',
    Eastbury: 'Barking IG11',
    Gascoigne: 'Barking IG11',
    Longbridge: 'Barking IG11',
    Northbury: 'Barking IG11',
    'Thames View': 'Barking IG11',
    Becontree: 'Dagenham RM8',
    Heath: 'Dagenham RM8',
    Mayesbrook: 'Dagenham RM8',
    Valence: 'Dagenham RM8',
    Whalebone: 'Dagenham RM8',
    Goresbrook: 'Dagenham RM9',
    Parsloes: 'Dagenham RM9',
    Alibon: 'Dagenham RM10',
    Beam: 'Dagenham RM10',
    'Eastbrook & Rush Green': 'Dagenham RM10',
    Village: 'Dagenham RM10',
    'Chadwell Heath': 'Chadwell Heath RM6',
  },
  RB: {
    Clementswood: 'Ilford IG1',
    Cranbrook: 'Ilford IG1',
    'Ilford Town': 'Ilford IG1',
    Loxford: 'Ilford IG1',
    Valentines: 'Ilford IG1',
    Aldborough: 'Ilford IG2',
    Newbury: 'Ilford IG2',
    Goodmayes: 'Ilford IG3',
    Mayfield: 'Ilford IG3',
    'Seven Kings': 'Ilford IG3',
    Bridge: 'Ilford IG4',
    Clayhall: 'Ilford IG5',
    Barkingside: 'Barkingside IG6',
    Fairlop: 'Barkingside IG6',
    Fullwell: 'Barkingside IG6',
    Hainault: 'Hainault IG6',
    Chadwell: 'Chadwell Heath RM6',
    Churchfields: 'South Woodford E18',
    'South Woodford': 'South Woodford E18',
    Snaresbrook: 'Wanstead E11',
    'Wanstead Park': 'Wanstead E11',
    'Wanstead Village': 'Wanstead E11',
  },
}

/** The towns of each borough, for a person with no ward (or a ward not listed above). */
export const boroughTowns: Record<DemoBorough, string[]> = {
  HV: ['Romford RM1', 'Romford RM7', 'Hornchurch RM12', 'Upminster RM14', 'Rainham RM13'],
  BD: ['Barking IG11', 'Dagenham RM8', 'Dagenham RM9', 'Dagenham RM10', 'Chadwell Heath RM6'],
  RB: ['Ilford IG1', 'Ilford IG2', 'Ilford IG3', 'Barkingside IG6', 'Woodford Green IG8', 'Hainault IG6'],
}

/** A ward's town, else the first of its borough's. */
export function townOfWard(borough: DemoBorough, ward: string): string {
  return wardTowns[borough][ward] ?? boroughTowns[borough][0]!
}
