// @ts-check
// Deterministic demo data: ~300 CRM contacts, and the Google-side people that overlap them.
//
// Everything derives from one seeded PRNG, so the CRM seed, the emulator seed posted by the demo
// launcher and the tests all agree on who is who. The data is deliberately awkward in the ways
// real address books are: non-ASCII names, national phone formats, birthdays without a year,
// phone-only contacts, several emails, addresses in many countries.

/**
 * @typedef {import("../types").CrmContact} CrmContact
 * @typedef {import("../types").CrmAddress} CrmAddress
 * @typedef {() => number} Rng A pseudo-random number in [0, 1).
 * @typedef {{ name: string, phone(r: Rng): string, address(r: Rng): CrmAddress }} Country
 *
 * @typedef {object} Person The People API `Person` fields the seed writes.
 * @property {Record<string, string>[]} [names]
 * @property {{ value: string, type?: string }[]} [emailAddresses]
 * @property {{ value: string, type?: string }[]} [phoneNumbers]
 * @property {Record<string, string>[]} [addresses]
 * @property {{ date: { year?: number, month: number, day: number } }[]} [birthdays]
 * @property {{ name?: string, title?: string }[]} [organizations]
 * @property {{ value: string, contentType: string }[]} [biographies]
 * @property {Profile} [profile] The Google profile the contact is linked to (an emulator seed key,
 *   not a Person field): Google merges it into reads that do not ask for the contact alone.
 *
 * @typedef {object} Profile A Google profile's fields, as the emulator's seed takes them.
 * @property {{ givenName: string, familyName?: string }[]} [names]
 * @property {{ value: string }[]} [emailAddresses]
 * @property {{ url: string }[]} [photos]
 */

/**
 * mulberry32: small, fast, and the same sequence in every JS engine.
 * @param {number} seed
 * @returns {Rng}
 */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// [given, family, country] — the country picks phone and address formats.
/** @type {[string, string, string][]} */
const PEOPLE = [
  ["José", "Álvarez", "ES"], ["Zoë", "Fairbanks", "GB"], ["Søren", "Kierkegaard-Holm", "DK"],
  ["太郎", "山田", "JP"], ["Ólafur", "Sigurðsson", "IS"], ["Minh", "Nguyễn", "VN"],
  ["Siobhán", "O'Brien", "IE"], ["François", "Lefèvre", "FR"], ["Jürgen", "Müller", "DE"],
  ["Małgorzata", "Wiśniewska", "PL"], ["Chloé", "Dubois", "FR"], ["Björn", "Andersson", "SE"],
  ["Ana", "Gonçalves", "BR"], ["María José", "Fernández", "MX"], ["Renée", "Zellweger-Park", "US"],
  ["Dmitri", "Ivanov", "DE"], ["Aoife", "Ní Bhriain", "IE"], ["Łukasz", "Zieliński", "PL"],
  ["Noël", "Laurent", "FR"], ["Håkon", "Bråten", "NO"], ["Ingrid", "Størseth", "NO"],
  ["花子", "佐藤", "JP"], ["Thanh", "Trần", "VN"], ["Lan", "Phạm", "VN"],
  ["Emma", "Johnson", "US"], ["Liam", "Smith", "US"], ["Olivia", "Williams", "US"],
  ["Noah", "Brown", "US"], ["Ava", "Jones", "US"], ["Elijah", "Garcia", "US"],
  ["Sophia", "Miller", "US"], ["James", "Davis", "US"], ["Isabella", "Rodriguez", "US"],
  ["Benjamin", "Martinez", "US"], ["Mia", "Hernandez", "US"], ["Lucas", "Lopez", "US"],
  ["Charlotte", "Gonzalez", "US"], ["Henry", "Wilson", "US"], ["Amelia", "Anderson", "US"],
  ["Alexander", "Thomas", "US"], ["Harper", "Taylor", "US"], ["Daniel", "Moore", "US"],
  ["Evelyn", "Jackson", "US"], ["Matthew", "Martin", "US"], ["Abigail", "Lee", "US"],
  ["Oliver", "Thompson", "GB"], ["George", "White", "GB"], ["Amelia", "Harris", "GB"],
  ["Harry", "Clarke", "GB"], ["Isla", "Lewis", "GB"], ["Jack", "Robinson", "GB"],
  ["Poppy", "Walker", "GB"], ["Freya", "Young", "GB"], ["Arthur", "Allen", "GB"],
  ["Camille", "Martin", "FR"], ["Louis", "Bernard", "FR"], ["Léa", "Thomas", "FR"],
  ["Hugo", "Petit", "FR"], ["Manon", "Robert", "FR"], ["Élodie", "Richard", "FR"],
  ["Lukas", "Schmidt", "DE"], ["Leonie", "Schneider", "DE"], ["Maximilian", "Fischer", "DE"],
  ["Hannah", "Weber", "DE"], ["Felix", "Meyer", "DE"], ["Grete", "Wagner", "DE"],
  ["Priya", "Patel", "US"], ["Arjun", "Sharma", "GB"], ["Wei", "Zhang", "US"],
  ["Mei", "Chen", "CA"], ["Kenji", "Watanabe", "JP"], ["Yuki", "Tanaka", "JP"],
  ["Fatima", "Al-Sayed", "GB"], ["Omar", "Haddad", "CA"], ["Aisha", "Bello", "US"],
  ["Chidi", "Okafor", "GB"], ["Nia", "Mensah", "US"], ["Kwame", "Asante", "CA"],
  ["Sean", "McCarthy", "IE"], ["Niamh", "Murphy", "IE"], ["Ciarán", "Ó Súilleabháin", "IE"],
  ["Jan", "de Vries", "NL"], ["Sanne", "van den Berg", "NL"], ["Pieter", "van Dijk", "NL"],
  ["Giulia", "Rossi", "IT"], ["Lorenzo", "Bianchi", "IT"], ["Francesca", "Romano", "IT"],
  ["Carmen", "Ruiz", "ES"], ["Javier", "Muñoz", "ES"], ["Lucía", "Sánchez", "ES"],
  ["Jack", "Wilson", "AU"], ["Charlotte", "Nguyen", "AU"], ["Ruby", "Kelly", "AU"],
  ["Mateo", "Silva", "BR"], ["Beatriz", "Costa", "BR"], ["João", "Pereira", "BR"],
  ["Diego", "Hernández", "MX"], ["Valentina", "Ramírez", "MX"], ["Sofía", "Cruz", "MX"],
  ["Aleksander", "Nowak", "PL"], ["Zofia", "Kowalska", "PL"], ["Astrid", "Lindqvist", "SE"],
  ["Sigríður", "Jónsdóttir", "IS"], ["Guðrún", "Einarsdóttir", "IS"], ["Mads", "Jørgensen", "DK"],
  ["Freja", "Nielsen", "DK"], ["Tobias", "Hansen", "NO"], ["Ethan", "O'Connor", "US"],
  ["Grace", "D'Angelo", "US"], ["Michael", "St. John", "US"], ["Mary-Kate", "Olsen-Reyes", "US"],
];

const STATUSES = ["New", "Lead", "Prospect", "Client", "Past client", "Sphere"];

const COMPANIES = [
  "Acme Realty", "Bayview Properties", "Northwind Traders", "Globex Corporation", "Initech",
  "Umbrella Holdings", "Stark & Wayne LLP", "Café Lumière", "Müller & Söhne GmbH",
  "Nordisk Bolig ApS", "Sakura Trading 株式会社", "Công ty Sông Hồng", "O'Neill Bros.",
  "Pinnacle Mortgage", "Harbor Title & Escrow", "Greenleaf Landscaping", "Brightside Dental",
  "Keystone Builders", "Fjord Analytics AS", "Maison Dupré", "Verde Arquitectura",
];
const TITLES = [
  "Owner", "Broker", "Loan Officer", "Property Manager", "Software Engineer", "Teacher",
  "Nurse", "Architect", "Chief Financial Officer", "Head of Operations", "Sales Director",
  "Attorney", "Contractor", "Designer", "Physician", "Retired", "Student", "Consultant",
];
const NOTES = [
  "Met at the spring open house on Maple Street.",
  "Looking for a 3-bed with a garden; budget flexible.",
  "Prefers text messages after 6 pm.",
  "Referred by a past client. Send a thank-you card.",
  "Wants to downsize next year — follow up in March.",
  "Relocating for work; needs a short-term rental first.",
  "Allergic to cats. Don't show listings with pets on site.",
  "Café meeting went well ☕ — sending comps on Friday.",
  "Speaks English, Spanish and a little Portuguese.",
  "Multi-line note:\nFirst call: interested.\nSecond call: pre-approved.",
  "Investor: duplexes & small multifamily only.",
  "Do not call on Sundays.",
];

// Per country: phone formats (national and international) and addresses.
/** @type {Record<string, Country>} */
const COUNTRY = {
  US: {
    name: "United States",
    phone: (r) => {
      const area = pick(r, ["415", "212", "310", "617", "512", "206"]);
      const line = String(100 + Math.floor(r() * 100)).padStart(4, "0");
      return pick(r, [`(${area}) 555-${line}`, `${area}-555-${line}`, `+1 ${area} 555 ${line}`, `${area}.555.${line}`]);
    },
    address: (r) => ({
      street: `${100 + Math.floor(r() * 9800)} ${pick(r, ["Maple St", "Oak Avenue", "Market Street", "Sunset Blvd", "Elm Dr", "Cedar Lane"])}`,
      ...pick(r, [
        { city: "San Francisco", region: "CA", postalCode: "94103" },
        { city: "New York", region: "NY", postalCode: "10001" },
        { city: "Austin", region: "TX", postalCode: "78701" },
        { city: "Seattle", region: "WA", postalCode: "98101" },
        { city: "Boston", region: "MA", postalCode: "02108" },
      ]),
    }),
  },
  CA: {
    name: "Canada",
    phone: (r) => pick(r, [`(604) 555-01${digits(r, 2)}`, `+1 416 555 01${digits(r, 2)}`]),
    address: (r) => ({ street: `${10 + Math.floor(r() * 990)} Queen St W`, city: pick(r, ["Toronto", "Vancouver"]), region: pick(r, ["ON", "BC"]), postalCode: "M5H 2N2" }),
  },
  GB: {
    name: "United Kingdom",
    phone: (r) => pick(r, [`020 7946 0${digits(r, 3)}`, `+44 20 7946 0${digits(r, 3)}`, `07700 900${digits(r, 3)}`, `0161 496 0${digits(r, 3)}`]),
    address: (r) => ({ street: `${1 + Math.floor(r() * 200)} ${pick(r, ["Baker Street", "High Street", "Church Road", "Victoria Road"])}`, ...pick(r, [{ city: "London", postalCode: "NW1 6XE" }, { city: "Manchester", postalCode: "M1 1AE" }, { city: "Bristol", postalCode: "BS1 4DJ" }]) }),
  },
  IE: {
    name: "Ireland",
    phone: (r) => pick(r, [`01 555 ${digits(r, 4)}`, `+353 1 555 ${digits(r, 4)}`, `087 555 ${digits(r, 4)}`]),
    address: (r) => ({ street: `${1 + Math.floor(r() * 90)} Grafton Street`, city: pick(r, ["Dublin", "Cork", "Galway"]), region: "Co. Dublin", postalCode: "D02 X285" }),
  },
  FR: {
    name: "France",
    phone: (r) => pick(r, [`01 42 68 ${digits(r, 2)} ${digits(r, 2)}`, `+33 1 42 68 ${digits(r, 2)} ${digits(r, 2)}`, `06 12 34 ${digits(r, 2)} ${digits(r, 2)}`]),
    address: (r) => ({ street: `${1 + Math.floor(r() * 150)} ${pick(r, ["rue de Rivoli", "boulevard Saint-Germain", "avenue des Champs-Élysées", "rue de la Paix"])}`, ...pick(r, [{ city: "Paris", postalCode: "75001" }, { city: "Lyon", postalCode: "69002" }, { city: "Marseille", postalCode: "13001" }]) }),
  },
  DE: {
    name: "Germany",
    phone: (r) => pick(r, [`030 ${digits(r, 7)}`, `+49 30 ${digits(r, 7)}`, `089 ${digits(r, 6)}`, `+49 171 ${digits(r, 7)}`]),
    address: (r) => ({ street: `${pick(r, ["Friedrichstraße", "Königsallee", "Schloßstraße", "Hauptstraße"])} ${1 + Math.floor(r() * 200)}`, ...pick(r, [{ city: "Berlin", postalCode: "10117" }, { city: "München", postalCode: "80331" }, { city: "Düsseldorf", postalCode: "40212" }, { city: "Köln", postalCode: "50667" }]) }),
  },
  ES: {
    name: "España",
    phone: (r) => pick(r, [`912 34 ${digits(r, 2)} ${digits(r, 2)}`, `+34 612 ${digits(r, 3)} ${digits(r, 3)}`]),
    address: (r) => ({ street: `Calle de Alcalá, ${1 + Math.floor(r() * 300)}`, city: pick(r, ["Madrid", "Sevilla", "Málaga"]), region: pick(r, ["Madrid", "Andalucía"]), postalCode: "28014" }),
  },
  DK: {
    name: "Danmark",
    phone: (r) => pick(r, [`+45 32 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`, `20 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`]),
    address: (r) => ({ street: `Nørrebrogade ${1 + Math.floor(r() * 200)}`, city: pick(r, ["København", "Aarhus", "Odense"]), postalCode: "2200" }),
  },
  NO: {
    name: "Norge",
    phone: (r) => pick(r, [`+47 22 ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}`, `412 ${digits(r, 2)} ${digits(r, 3)}`]),
    address: (r) => ({ street: `Karl Johans gate ${1 + Math.floor(r() * 50)}`, city: pick(r, ["Oslo", "Bergen", "Tromsø"]), postalCode: "0154" }),
  },
  SE: {
    name: "Sverige",
    phone: (r) => pick(r, [`08-${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`, `+46 70 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`]),
    address: (r) => ({ street: `Drottninggatan ${1 + Math.floor(r() * 120)}`, city: pick(r, ["Stockholm", "Göteborg", "Malmö"]), postalCode: "111 51" }),
  },
  IS: {
    name: "Ísland",
    phone: (r) => pick(r, [`+354 55${digits(r, 1)} ${digits(r, 4)}`, `55${digits(r, 1)} ${digits(r, 4)}`]),
    address: (r) => ({ street: `Laugavegur ${1 + Math.floor(r() * 150)}`, city: "Reykjavík", postalCode: "101" }),
  },
  PL: {
    name: "Polska",
    phone: (r) => pick(r, [`+48 22 ${digits(r, 3)} ${digits(r, 2)} ${digits(r, 2)}`, `601 ${digits(r, 3)} ${digits(r, 3)}`]),
    address: (r) => ({ street: `ul. Marszałkowska ${1 + Math.floor(r() * 140)}`, city: pick(r, ["Warszawa", "Kraków", "Łódź"]), postalCode: "00-624" }),
  },
  NL: {
    name: "Nederland",
    phone: (r) => pick(r, [`020 ${digits(r, 3)} ${digits(r, 4)}`, `+31 6 ${digits(r, 8)}`]),
    address: (r) => ({ street: `Keizersgracht ${1 + Math.floor(r() * 800)}`, city: pick(r, ["Amsterdam", "Utrecht"]), postalCode: "1015 CJ" }),
  },
  IT: {
    name: "Italia",
    phone: (r) => pick(r, [`06 ${digits(r, 4)} ${digits(r, 4)}`, `+39 347 ${digits(r, 3)} ${digits(r, 4)}`]),
    address: (r) => ({ street: `Via del Corso, ${1 + Math.floor(r() * 400)}`, city: pick(r, ["Roma", "Milano", "Torino"]), region: pick(r, ["RM", "MI", "TO"]), postalCode: "00186" }),
  },
  BR: {
    name: "Brasil",
    phone: (r) => pick(r, [`(11) 9${digits(r, 4)}-${digits(r, 4)}`, `+55 21 9${digits(r, 4)} ${digits(r, 4)}`]),
    address: (r) => ({ street: `Avenida Paulista, ${1000 + Math.floor(r() * 900)}`, extended: `Apto ${10 + Math.floor(r() * 90)}`, city: pick(r, ["São Paulo", "Rio de Janeiro"]), region: pick(r, ["SP", "RJ"]), postalCode: "01310-100" }),
  },
  MX: {
    name: "México",
    phone: (r) => pick(r, [`55 ${digits(r, 4)} ${digits(r, 4)}`, `+52 55 ${digits(r, 4)} ${digits(r, 4)}`]),
    address: (r) => ({ street: `Av. Insurgentes Sur ${100 + Math.floor(r() * 3000)}`, extended: "Col. Roma Norte", city: "Ciudad de México", region: "CDMX", postalCode: "06700" }),
  },
  JP: {
    name: "日本",
    phone: (r) => pick(r, [`03-${digits(r, 4)}-${digits(r, 4)}`, `+81 3-${digits(r, 4)}-${digits(r, 4)}`, `090-${digits(r, 4)}-${digits(r, 4)}`]),
    address: (r) => ({ street: `千代田区丸の内${1 + Math.floor(r() * 3)}-${1 + Math.floor(r() * 9)}-${1 + Math.floor(r() * 9)}`, city: "東京都", postalCode: "100-0005" }),
  },
  VN: {
    name: "Việt Nam",
    phone: (r) => pick(r, [`028 3822 ${digits(r, 4)}`, `+84 28 3822 ${digits(r, 4)}`, `+84 90 ${digits(r, 3)} ${digits(r, 4)}`]),
    address: (r) => ({ street: `${1 + Math.floor(r() * 200)} Đường Lê Lợi`, city: pick(r, ["Thành phố Hồ Chí Minh", "Hà Nội"]), postalCode: "700000" }),
  },
  AU: {
    name: "Australia",
    phone: (r) => pick(r, [`(02) 5550 ${digits(r, 4)}`, `+61 491 570 ${digits(r, 3)}`]),
    address: (r) => ({ street: `${1 + Math.floor(r() * 400)} George St`, city: pick(r, ["Sydney", "Melbourne"]), region: pick(r, ["NSW", "VIC"]), postalCode: "2000" }),
  },
};

// Romanised mail-box names for names without a Latin spelling.
/** @type {Record<string, string>} */
const ROMAJI = { "太郎": "taro", "山田": "yamada", "花子": "hanako", "佐藤": "sato" };

/**
 * @template T
 * @param {Rng} r
 * @param {readonly T[]} xs
 * @returns {T}
 */
function pick(r, xs) {
  return xs[Math.floor(r() * xs.length)];
}
/** @param {Rng} r @param {number} n */
function digits(r, n) {
  let s = "";
  for (let i = 0; i < n; i++) s += String(Math.floor(r() * 10));
  return s;
}
/**
 * "Nguyễn" → "nguyen", "O'Brien" → "obrien", "山田" → "yamada".
 * @param {string} s
 */
function mailPart(s) {
  if (ROMAJI[s]) return ROMAJI[s];
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[ðÐ]/g, "d").replace(/[øØ]/g, "o").replace(/[æÆ]/g, "ae").replace(/[þÞ]/g, "th")
    .replace(/[łŁ]/g, "l").replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "");
}

const DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "acme-realty.example", "inbox.test"];
const PREFIXES = ["Dr.", "Mr.", "Ms.", "Mrs.", "Prof."];
const SUFFIXES = ["Jr.", "Sr.", "III", "PhD"];
const MIDDLES = ["Marie", "Lee", "Ann", "J.", "Louise", "Grace", "Maria"];

export const SEED_COUNT = 300;
const DAY = 24 * 60 * 60 * 1000;

/**
 * The CRM's seed contacts: `count` (default 300) deterministic `CrmContact`s with ids
 * "c000001"… and `modifiedAt` spread over the year before `now`.
 * @param {{ count?: number, now?: Date | number }} [o]
 * @returns {CrmContact[]}
 */
export function generateSeedContacts({ count = SEED_COUNT, now = new Date() } = {}) {
  const r = prng(20240607);
  const nowMs = now instanceof Date ? now.getTime() : Number(now);
  /** @type {CrmContact[]} */
  const out = [];
  const usedEmails = new Set();
  const usedNames = new Set();
  for (let i = 0; i < count; i++) {
    const base = PEOPLE[i % PEOPLE.length];
    const round = Math.floor(i / PEOPLE.length);
    // Later rounds recombine given and family names so the 300 people are distinct.
    const family = base[1];
    let given = base[0];
    for (let k = 0; round > 0 && (k === 0 || usedNames.has(`${given} ${family}`)); k++) {
      given = PEOPLE[(i * 7 + round * 13 + k) % PEOPLE.length][0];
    }
    usedNames.add(`${given} ${family}`);
    const country = base[2];
    const cc = COUNTRY[country];
    const id = `c${String(i + 1).padStart(6, "0")}`;
    /** @type {CrmContact} */
    const c = { id, modifiedAt: "", status: STATUSES[i % STATUSES.length], firstName: given, lastName: family, emails: [], phones: [], addresses: [] };

    if (r() < 0.08) c.middleName = pick(r, MIDDLES);
    if (r() < 0.06) c.prefix = pick(r, PREFIXES);
    if (r() < 0.04) c.suffix = pick(r, SUFFIXES);

    // Sphere contacts are often phone-only (a neighbour, the plumber).
    const phoneOnly = c.status === "Sphere" && r() < 0.35;
    if (!phoneOnly) {
      let local = `${mailPart(given)}.${mailPart(family)}`;
      if (round > 0 || r() < 0.2) local += round > 0 ? String(round + 1) : String(Math.floor(r() * 90) + 10);
      let email = `${local}@${pick(r, DOMAINS)}`;
      while (usedEmails.has(email)) email = `${local}${Math.floor(r() * 1000)}@${pick(r, DOMAINS)}`;
      usedEmails.add(email);
      c.emails.push({ value: r() < 0.1 ? email.replace(/^./, (ch) => ch.toUpperCase()) : email, type: "home", primary: true });
      if (r() < 0.25) {
        const work = `${mailPart(given).slice(0, 1)}${mailPart(family)}@${pick(r, ["globex.example", "initech.example", "northwind.example"])}`;
        if (!usedEmails.has(work)) {
          usedEmails.add(work);
          c.emails.push({ value: work, type: "work" });
        }
      }
    }
    if (phoneOnly || r() < 0.85) c.phones.push({ value: cc.phone(r), type: pick(r, ["mobile", "mobile", "home", "work"]) });
    if (r() < 0.3) c.phones.push({ value: cc.phone(r), type: pick(r, ["work", "home"]) });
    if (r() < 0.7) c.addresses.push({ ...cc.address(r), country: cc.name, countryCode: country, type: "home" });
    if (r() < 0.1) c.addresses.push({ ...COUNTRY.US.address(r), country: "United States", countryCode: "US", type: "work" });

    const b = r();
    const month = String(1 + Math.floor(r() * 12)).padStart(2, "0");
    const day = String(1 + Math.floor(r() * 28)).padStart(2, "0");
    if (b < 0.45) c.birthday = `${1950 + Math.floor(r() * 55)}-${month}-${day}`;
    else if (b < 0.65) c.birthday = `--${month}-${day}`;

    if (r() < 0.55) c.company = pick(r, COMPANIES);
    if (r() < 0.6) c.title = pick(r, TITLES);
    if (r() < 0.35) c.notes = pick(r, NOTES);

    // Spread over the past year, to the second.
    c.modifiedAt = new Date(nowMs - Math.floor(r() * 365 * DAY / 1000) * 1000).toISOString();
    out.push(c);
  }
  return out;
}

/**
 * A `CrmContact` in People API `Person` JSON (only the fields the emulator accepts on create).
 * @param {CrmContact} c
 * @returns {Person}
 */
export function contactToPerson(c) {
  /** @type {Person} */
  const p = {};
  /** @type {Record<string, string>} */
  const name = {};
  if (c.firstName) name.givenName = c.firstName;
  if (c.middleName) name.middleName = c.middleName;
  if (c.lastName) name.familyName = c.lastName;
  if (c.prefix) name.honorificPrefix = c.prefix;
  if (c.suffix) name.honorificSuffix = c.suffix;
  if (Object.keys(name).length) p.names = [name];
  if (c.emails && c.emails.length) p.emailAddresses = c.emails.map((e) => ({ value: e.value, ...(e.type ? { type: e.type } : {}) }));
  if (c.phones && c.phones.length) p.phoneNumbers = c.phones.map((x) => ({ value: x.value, ...(x.type ? { type: x.type } : {}) }));
  if (c.addresses && c.addresses.length) {
    p.addresses = c.addresses.map((a) => {
      /** @type {Record<string, string>} */
      const o = {};
      if (a.street) o.streetAddress = a.street;
      if (a.extended) o.extendedAddress = a.extended;
      for (const k of /** @type {const} */ (["city", "region", "postalCode", "country", "countryCode", "type"])) {
        const v = a[k];
        if (v) o[k] = v;
      }
      return o;
    });
  }
  if (c.birthday) {
    const m = /^(?:(\d{4})-|--)(\d{2})-(\d{2})$/.exec(c.birthday);
    if (m) p.birthdays = [{ date: { ...(m[1] ? { year: Number(m[1]) } : {}), month: Number(m[2]), day: Number(m[3]) } }];
  }
  if (c.company || c.title) p.organizations = [{ ...(c.company ? { name: c.company } : {}), ...(c.title ? { title: c.title } : {}) }];
  if (c.notes) p.biographies = [{ value: c.notes, contentType: "TEXT_PLAIN" }];
  return p;
}

// Google-only people: in the user's phone, never in the CRM.
/** @type {[string, string, string, string | null][]} */
const GOOGLE_ONLY = [
  ["Mamá", "", "+34 600 123 456", null],
  ["Kofi", "Boateng", "+233 20 123 4567", "kofi.boateng@example.com"],
  ["Ingeborg", "Løvås", "+47 415 55 123", "ingeborg.lovas@example.no"],
  ["Plumber", "(Tomás)", "(415) 555-0199", null],
  ["李", "小龙", "+86 10 5555 1234", "xiaolong.li@example.cn"],
  ["Dr. Ayşe", "Yılmaz", "+90 212 555 12 34", "ayse.yilmaz@example.com.tr"],
  ["Ryan", "O'Reilly", "087 555 1234", "ryan.oreilly@example.ie"],
  ["Gabriel", "Lefèvre", "+33 6 12 34 56 78", "gabriel.lefevre@example.fr"],
  ["Hannah", "Schmidt-Weiß", "+49 171 5550123", "hannah.sw@example.de"],
  ["Zoë", "Fairbanks", "07700 900123", "zoe.f.personal@example.co.uk"],
];

/**
 * About `n` (default 150) People API `Person` objects for the emulator, overlapping the CRM
 * seed: most share an email with a CRM contact; some have a different or extra phone, or the
 * same phone in another format; some lack the birthday or the address; a few names are spelled
 * differently; the last few exist only in Google. No `resourceName` or `etag`: the emulator
 * assigns them.
 * @returns {Person[]}
 */
export function overlapForGoogle(n = 150) {
  const crm = generateSeedContacts({ now: new Date(Date.UTC(2025, 0, 1)) });
  const r = prng(777);
  const googleOnly = Math.min(GOOGLE_ONLY.length, Math.max(1, Math.round(n / 15)));
  const overlapping = Math.max(0, n - googleOnly);
  /** @type {Person[]} */
  const out = [];
  // Every other CRM contact, so both sides also hold people the other lacks.
  for (let i = 0; out.length < overlapping && i < crm.length; i += 2) {
    const c = structuredClone(crm[i]);
    const country = PEOPLE[i % PEOPLE.length][2];
    const k = r();
    if (k < 0.2 && c.phones.length) {
      // A genuinely different number: the merge must keep both or resolve a conflict.
      c.phones[0] = { value: COUNTRY[country].phone(r), type: "mobile" };
    } else if (k < 0.35 && c.phones.length) {
      // The same number, written the international way: equal once normalized.
      c.phones[0] = { ...c.phones[0], value: internationalize(c.phones[0].value, country) };
    } else if (k < 0.45) {
      c.phones.push({ value: COUNTRY.US.phone(r), type: "work" });
    }
    if (r() < 0.4) delete c.birthday;
    if (r() < 0.2) c.addresses = [];
    if (r() < 0.5) delete c.notes;
    if (r() < 0.1 && c.emails.length) c.emails[0].value = c.emails[0].value.toUpperCase();
    if (r() < 0.05) c.middleName = undefined;
    // Phone-only contacts overlap by phone; a few by name alone (no email, no phone).
    if (r() < 0.05 && c.emails.length) c.emails = [];
    out.push(contactToPerson(c));
  }
  for (let i = 0; i < googleOnly; i++) {
    const [given, family, phone, email] = GOOGLE_ONLY[i];
    /** @type {Person} */
    const p = { names: [{ givenName: given, ...(family ? { familyName: family } : {}) }], phoneNumbers: [{ value: phone, type: "mobile" }] };
    if (email) p.emailAddresses = [{ value: email, type: "home" }];
    if (i % 3 === 0) p.birthdays = [{ date: { month: 1 + i, day: 10 + i } }];
    out.push(p);
  }
  linkProfiles(out);
  return out;
}

/**
 * Links a handful of the Google persons to a Google profile that differs from the contact: a
 * personal address the contact lacks, a photo, another spelling of the name. None of it is the
 * contact's, so none of it may reach the CRM.
 * @param {Person[]} people
 */
function linkProfiles(people) {
  const photo = (/** @type {number} */ i) => ({ url: `https://lh3.googleusercontent.com/a/demo-${i}` });
  for (const [n, i] of [3, 17, 41, 88, 120].entries()) {
    const p = people[i];
    const given = p?.names?.[0]?.givenName;
    if (!p || !given) continue;
    const family = p.names?.[0]?.familyName;
    const local = given.normalize("NFD").toLowerCase().replace(/[^a-z]/g, "") || "someone";
    /** @type {Profile} */
    const profile = { emailAddresses: [{ value: `${local}.${n}.personal@gmail.example` }] };
    if (n % 2 === 0) profile.photos = [photo(i)];
    if (n !== 1) profile.names = [{ givenName: `${given} (profile)`, ...(family ? { familyName: family } : {}) }];
    p.profile = profile;
  }
}

/**
 * "(415) 555-0132" → "+1 415 555 0132"; a leading trunk 0 becomes the country code.
 * @param {string} value
 * @param {string} countryCode
 */
function internationalize(value, countryCode) {
  if (value.startsWith("+")) return value;
  /** @type {Record<string, string>} */
  const codes = { US: "1", CA: "1", GB: "44", IE: "353", FR: "33", DE: "49", ES: "34", DK: "45", NO: "47", SE: "46", IS: "354", PL: "48", NL: "31", IT: "39", BR: "55", MX: "52", JP: "81", VN: "84", AU: "61" };
  const cc = codes[countryCode || "US"] || "1";
  const d = value.replace(/\D/g, "");
  // Italy keeps its leading 0; everyone else with a trunk prefix drops it.
  const national = cc === "39" || cc === "1" ? d : d.replace(/^0/, "");
  return `+${cc} ${national}`;
}
