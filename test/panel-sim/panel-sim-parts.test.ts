import t from 'tap';
import { encodeDc09 } from '../../src/protocols/dc09/encode-dc09.js';
import { PanelMessageSource } from '../../src/panel-sim/panel-messages.js';
import { PanelSimOptionsError } from '../../src/panel-sim/sim-error.js';
import { DEFAULT_SIM_KEY_HEX, parseTarget, resolveSimOptions, SIM_DEFAULTS } from '../../src/panel-sim/sim-options.js';
import { latencySummary } from '../../src/panel-sim/sim-report.js';
import { decodeDc09 } from '../../src/protocols/dc09/decode-dc09.js';
import { simCommand } from '../../src/cli/sim.js';


t.test('messages: the alarm share is exact and both alarm formats decode', async (t) => {
  const source = new PanelMessageSource(0.3);
  const messages = Array.from({ length: 100 }, () => source.next('10042'));
  const alarms = messages.filter((m) => m.token !== 'NULL');
  t.equal(alarms.length, 30, '30 % of 100');
  t.ok(alarms.some((m) => m.token === 'ADM-CID') && alarms.some((m) => m.token === 'SIA-DCS'), 'both formats');
  for (const [seq, m] of alarms.entries()) {
    const r = decodeDc09(encodeDc09({ token: m.token, seq: seq + 1, prefix: '0', account: '10042', data: m.data }), { now: 0 });
    t.ok(r.ok && r.value.events.length === 1 && r.value.events[0]!.account === '10042', `${m.token} ${m.data} decodes to one event`);
  }
  t.equal(new PanelMessageSource(0).next('1').token, 'NULL');
  const allAlarms = new PanelMessageSource(1);
  t.ok(Array.from({ length: 5 }, () => allAlarms.next('1')).every((m) => m.token !== 'NULL'));
});

t.test('options: defaults, and every bad value named at once', async (t) => {
  const o = resolveSimOptions({ count: 2, rate: 5 });
  t.match(o, { proto: 'tcp', host: '127.0.0.1', port: 7001, durationMs: 10_000, accountBase: 10000, key: null, retries: 3, alarmShare: 0 });
  t.equal(resolveSimOptions({ count: 1, rate: 1, encrypt: true }).key!.toString('hex').toUpperCase(), DEFAULT_SIM_KEY_HEX);
  t.same(parseTarget('[::1]:7001'), { host: '::1', port: 7001 });
  t.match(parseTarget('host:0'), { error: /HOST:PORT/ });
  t.match(parseTarget('::1:7001'), { error: /HOST:PORT/ });
  const err = t.throws(() => resolveSimOptions({ count: 0, rate: -1, alarmShare: 2, target: 'x', encrypt: true, key: 'abc' })) as PanelSimOptionsError;
  t.type(err, PanelSimOptionsError);
  t.equal(err.code, 'SIM_OPTIONS_INVALID');
  t.equal(err.problems.length, 5, err.problems.join('\n'));
});

t.test('the --help text states the defaults the code uses', async (t) => {
  t.match(simCommand.usage, SIM_DEFAULTS.key);
  t.match(simCommand.usage, SIM_DEFAULTS.target);
  t.match(simCommand.usage, `(default ${SIM_DEFAULTS.durationS})`);
  t.match(simCommand.usage, `(default ${SIM_DEFAULTS.accountBase})`);
  t.match(simCommand.usage, `(default ${SIM_DEFAULTS.ackTimeoutMs})`);
  t.match(simCommand.usage, `up to ${SIM_DEFAULTS.retries} times`);
});

t.test('latency: nearest-rank percentiles', async (t) => {
  t.equal(latencySummary([]), null);
  const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
  t.same(latencySummary(samples), { p50: 50, p99: 99, max: 100 });
  t.same(latencySummary([3.14159]), { p50: 3.14, p99: 3.14, max: 3.14 });
});
