import type { EventClass, Qualifier } from '../alarm-event.js';

/**
 * SIA DC-03 two-letter event codes that arc normalises, with the same classes and categories as
 * the Contact ID table so that a burglary is a burglary whichever format carried it. The second
 * letter usually says the qualifier: A alarm, H/R restore, B bypass, U unbypass, T trouble,
 * J trouble restore, S supervisory. What the number after the code means (zone, user, area)
 * depends on the code (DC-03; pysiaalarm `sia_codes.py`, dc09_spt `dc03_is_user`).
 * Hold-up (HA) and panic (PA) are emergencies, as Contact ID 120-125 are; duress has no SIA
 * code of its own and arrives as HA.
 */
export interface SiaCode {
  code: string;
  description: string;
  eventClass: EventClass;
  category: string;
  qualifier: Qualifier;
  numberIs: 'zone' | 'user' | 'area' | 'none';
  emergency: boolean;
}

type Row = [string, string, EventClass, string, Qualifier, SiaCode['numberIs'], boolean?];

// Alarm families: [letter, name, category, emergency]. Each yields A/H/R/B/U/T/J/S codes.
const ALARM_FAMILIES: [string, string, string, boolean][] = [
  ['B', 'Burglary', 'burglary', false],
  ['H', 'Hold-up', 'panic_holdup', true],
  ['P', 'Panic', 'panic_holdup', true],
  ['F', 'Fire', 'fire', false],
  ['M', 'Medical', 'medical', false],
  ['Q', 'Emergency', 'medical', false],
  ['G', 'Gas', '24h_non_burglary', false],
  ['K', 'Heat', '24h_non_burglary', false],
  ['W', 'Water', '24h_non_burglary', false],
  ['Z', 'Freeze', '24h_non_burglary', false],
  ['U', 'Untyped zone', '24h_non_burglary', false],
  ['S', 'Sprinkler', 'fire', false],
];

const familyRows: Row[] = ALARM_FAMILIES.flatMap(([l, name, category, emergency]): Row[] => [
  [`${l}A`, `${name} alarm`, 'alarm', category, 'new', 'zone', emergency],
  [`${l}H`, `${name} alarm restore`, 'alarm', category, 'restore', 'zone'],
  [`${l}R`, `${name} restoral`, 'alarm', category, 'restore', 'zone'],
  [`${l}B`, `${name} bypass`, 'bypass', 'bypass', 'new', 'zone'],
  [`${l}U`, `${name} unbypass`, 'bypass', 'bypass', 'restore', 'zone'],
  [`${l}T`, `${name} trouble`, 'trouble', 'protection_loop', 'new', 'zone'],
  [`${l}J`, `${name} trouble restore`, 'trouble', 'protection_loop', 'restore', 'zone'],
  [`${l}S`, `${name} supervisory`, 'supervisory', l === 'F' || l === 'S' ? 'fire_supervisory' : 'sensor_supervision', 'new', 'zone'],
]);

// Codes outside the families, or whose meaning differs from the family pattern.
const OTHER_ROWS: Row[] = [
  ['BC', 'Burglary cancel', 'open_close', 'open_close', 'new', 'user'],
  ['BV', 'Burglary verified', 'alarm', 'burglary', 'new', 'zone'],
  ['BG', 'Unverified event', 'alarm', 'burglary', 'new', 'zone'],
  ['BX', 'Burglary test', 'test', 'point_test', 'new', 'zone'],
  ['FX', 'Fire test', 'test', 'test_misc', 'new', 'user'],
  ['FK', 'Fire test end', 'test', 'test_misc', 'restore', 'user'],
  ['TA', 'Tamper alarm', 'alarm', 'burglary', 'new', 'zone'],
  ['TR', 'Tamper restore', 'alarm', 'burglary', 'restore', 'zone'],
  ['TT', 'Tamper trouble', 'trouble', 'sensor', 'new', 'zone'],
  ['TB', 'Tamper bypass', 'bypass', 'bypass', 'new', 'zone'],
  ['TU', 'Tamper unbypass', 'bypass', 'bypass', 'restore', 'zone'],
  ['TX', 'Test with trouble present', 'test', 'test_misc', 'new', 'zone'],
  ['OP', 'Opening', 'open_close', 'open_close', 'new', 'user'],
  ['CL', 'Closing', 'open_close', 'open_close', 'restore', 'user'],
  ['OA', 'Automatic opening', 'open_close', 'open_close', 'new', 'area'],
  ['CA', 'Automatic closing', 'open_close', 'open_close', 'restore', 'area'],
  ['OG', 'Area opening', 'open_close', 'open_close', 'new', 'area'],
  ['CG', 'Area closing', 'open_close', 'open_close', 'restore', 'area'],
  ['OQ', 'Remote opening', 'open_close', 'open_close', 'new', 'user'],
  ['CQ', 'Remote closing', 'open_close', 'open_close', 'restore', 'user'],
  ['OS', 'Keyswitch opening', 'open_close', 'open_close', 'new', 'zone'],
  ['CS', 'Keyswitch closing', 'open_close', 'open_close', 'restore', 'zone'],
  ['OR', 'Disarm from alarm', 'open_close', 'open_close', 'new', 'user'],
  ['CF', 'Forced closing', 'open_close', 'open_close', 'restore', 'user'],
  ['CR', 'Recent closing', 'open_close', 'special_open_close', 'new', 'user'],
  ['OI', 'Fail to open', 'open_close', 'special_open_close', 'new', 'area'],
  ['CI', 'Fail to close', 'open_close', 'special_open_close', 'new', 'area'],
  ['OK', 'Early opening', 'open_close', 'special_open_close', 'new', 'user'],
  ['CK', 'Early closing', 'open_close', 'special_open_close', 'new', 'user'],
  ['OJ', 'Late opening', 'open_close', 'special_open_close', 'new', 'user'],
  ['CJ', 'Late closing', 'open_close', 'special_open_close', 'new', 'user'],
  ['CE', 'Closing extend', 'open_close', 'special_open_close', 'new', 'user'],
  ['OC', 'Cancel', 'open_close', 'open_close', 'new', 'user'],
  ['DD', 'Access denied', 'access', 'access_control', 'new', 'user'],
  ['DG', 'Access granted', 'access', 'access_control', 'new', 'user'],
  ['DF', 'Door forced', 'access', 'access_control', 'new', 'zone'],
  ['RP', 'Automatic test', 'test', 'test_misc', 'new', 'none'],
  ['RX', 'Manual test', 'test', 'test_misc', 'new', 'user'],
  ['RY', 'Test end', 'test', 'test_misc', 'restore', 'none'],
  ['RR', 'Power up', 'test', 'download_misc', 'new', 'none'],
  ['RS', 'Remote program success', 'test', 'download_misc', 'new', 'none'],
  ['RU', 'Remote program fail', 'test', 'download_misc', 'new', 'none'],
  ['RB', 'Remote program begin', 'test', 'download_misc', 'new', 'none'],
  ['RC', 'Relay close', 'trouble', 'sounder_relay', 'new', 'zone'],
  ['RO', 'Relay open', 'trouble', 'sounder_relay', 'restore', 'zone'],
  ['AT', 'AC trouble', 'trouble', 'system', 'new', 'none'],
  ['AR', 'AC restore', 'trouble', 'system', 'restore', 'none'],
  ['YT', 'System battery trouble', 'trouble', 'system', 'new', 'none'],
  ['YR', 'System battery restore', 'trouble', 'system', 'restore', 'none'],
  ['YM', 'System battery missing', 'trouble', 'system', 'new', 'none'],
  ['YP', 'Power supply trouble', 'trouble', 'system', 'new', 'none'],
  ['YQ', 'Power supply restore', 'trouble', 'system', 'restore', 'none'],
  ['YX', 'Service required', 'trouble', 'system', 'new', 'none'],
  ['YZ', 'Service completed', 'trouble', 'system', 'restore', 'none'],
  ['YW', 'Watchdog reset', 'trouble', 'system', 'new', 'none'],
  ['YC', 'Communication fail', 'trouble', 'communication', 'new', 'none'],
  ['YK', 'Communication restore', 'trouble', 'communication', 'restore', 'none'],
  ['YS', 'Communication trouble', 'trouble', 'communication', 'new', 'none'],
  ['LT', 'Phone line trouble', 'trouble', 'communication', 'new', 'none'],
  ['LR', 'Phone line restore', 'trouble', 'communication', 'restore', 'none'],
  ['ET', 'Expansion trouble', 'trouble', 'system_peripheral', 'new', 'zone'],
  ['ER', 'Expansion restore', 'trouble', 'system_peripheral', 'restore', 'zone'],
  ['XT', 'Transmitter battery trouble', 'trouble', 'sensor', 'new', 'zone'],
  ['XR', 'Transmitter battery restore', 'trouble', 'sensor', 'restore', 'zone'],
  ['XQ', 'RF interference', 'trouble', 'sensor', 'new', 'zone'],
  ['XH', 'RF interference restore', 'trouble', 'sensor', 'restore', 'zone'],
  ['XS', 'RF receiver tamper', 'trouble', 'sensor', 'new', 'zone'],
  ['NA', 'No activity', 'test', 'misc', 'new', 'zone'],
  ['JT', 'Time changed', 'test', 'event_log', 'new', 'user'],
  ['LB', 'Program mode entry', 'test', 'event_log', 'new', 'none'],
  ['LX', 'Program mode exit', 'test', 'event_log', 'restore', 'none'],
];

const table = new Map<string, SiaCode>();
for (const [code, description, eventClass, category, qualifier, numberIs, emergency] of [...familyRows, ...OTHER_ROWS]) {
  table.set(code, Object.freeze({ code, description, eventClass, category, qualifier, numberIs, emergency: emergency ?? false }));
}

export const SIA_CODES: ReadonlyMap<string, SiaCode> = table;
