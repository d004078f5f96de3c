/**
 * The CSV form of a customer for `arc import`: one customer per row, the lists in a compact
 * form inside their cell (README "Customers and accounts" documents it). The row becomes the
 * object the API takes, and the same schema judges it, so that both forms are refused for the
 * same reasons. An empty cell is an absent field (its default, or: keep what is stored).
 */
export const CSV_COLUMNS = [
  'name',
  'address',
  'lat',
  'lng',
  'contract_type',
  'service_status',
  'on_test_from',
  'on_test_until',
  'passcode',
  'duress_code',
  'accounts',
  'encrypted_only',
  'reporting_interval_s',
  'guard_area',
  'zones',
  'contacts',
  'panel_users',
  'schedule',
  'video_links',
] as const;

export const REQUIRED_CSV_COLUMNS = ['name', 'address', 'contract_type', 'service_status', 'accounts'] as const;

type Column = (typeof CSV_COLUMNS)[number];

/** Checks a header row; the problems, or none. */
export function checkCsvHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim());
  const problems = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n)).map((n) => `unknown column "${n}" (known: ${CSV_COLUMNS.join(', ')})`);
  for (const required of REQUIRED_CSV_COLUMNS) if (!names.includes(required)) problems.push(`missing column "${required}"`);
  return problems;
}

/** One data row as the API's customer object, or why it cannot be read. */
export function csvRowToCustomer(header: string[], fields: string[]): { value: Record<string, unknown> } | { error: string } {
  if (fields.length !== header.length) return { error: `${fields.length} fields, the header has ${header.length}` };
  const cell = (name: Column): string | undefined => {
    const i = header.findIndex((h) => h.trim() === name);
    const v = i < 0 ? '' : fields[i]!.trim();
    return v === '' ? undefined : v;
  };
  const list = (name: Column) => (cell(name) ?? '').split(';').map((s) => s.trim()).filter((s) => s !== '');
  const accountNumbers = list('accounts').map((a) => a.split(':')[0]!);
  // `ACCOUNT/NUMBER`, or a bare NUMBER on the row's first account.
  const onAccount = (ref: string) => {
    const [account, number] = ref.includes('/') ? ref.split('/', 2) : [accountNumbers[0], ref];
    return { account, number: number === undefined || number === '' ? undefined : Number(number) };
  };

  const schedule: unknown[] = [];
  for (const entry of list('schedule')) {
    const m = /^([1-7])(?:-([1-7]))?\s+(\S+)-(\S+)$/.exec(entry);
    if (!m) return { error: `schedule: "${entry}" is not DAY[-DAY] HH:MM-HH:MM (days 1 Monday … 7 Sunday)` };
    for (let day = Number(m[1]); day <= Number(m[2] ?? m[1]); day++) schedule.push({ day, open: m[3], close: m[4] });
  }

  const value: Record<string, unknown> = {
    name: cell('name'),
    address: cell('address'),
    contractType: cell('contract_type'),
    serviceStatus: cell('service_status'),
    passcode: cell('passcode'),
    duressCode: cell('duress_code'),
    guardArea: cell('guard_area'),
    accounts: list('accounts').map((entry) => {
      const colon = entry.indexOf(':');
      const encryptedOnly = cell('encrypted_only');
      return {
        number: colon < 0 ? entry : entry.slice(0, colon),
        ...(colon < 0 ? {} : { aesKey: entry.slice(colon + 1) }),
        encryptedOnly: encryptedOnly === undefined ? false : /^(true|yes|1)$/i.test(encryptedOnly) ? true : /^(false|no|0)$/i.test(encryptedOnly) ? false : encryptedOnly,
      };
    }),
    zones: list('zones').map((entry) => {
      const [ref = '', name, location, type, principle, linkedGroup] = entry.split('|').map((s) => s.trim());
      return { ...onAccount(ref), name, location, type, principle: principle || null, linkedGroup: linkedGroup || null };
    }),
    contacts: list('contacts').map((entry) => {
      const [name, relation, phones = ''] = entry.split('|').map((s) => s.trim());
      return { name, relation, phones: phones.split('/').map((p) => p.trim()).filter((p) => p !== '') };
    }),
    panelUsers: list('panel_users').map((entry) => {
      const [ref = '', name] = entry.split('|').map((s) => s.trim());
      return { ...onAccount(ref), name };
    }),
    videoLinks: list('video_links'),
  };
  const lat = cell('lat');
  const lng = cell('lng');
  if (lat !== undefined || lng !== undefined) value.position = { lat: Number(lat), lng: Number(lng) };
  const from = cell('on_test_from');
  const until = cell('on_test_until');
  if (from !== undefined || until !== undefined) value.onTest = { from, until };
  const interval = cell('reporting_interval_s');
  if (interval !== undefined) value.reportingIntervalS = Number(interval);
  if (schedule.length > 0) value.schedule = schedule;
  return { value };
}
