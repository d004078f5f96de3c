/* global document, location, sessionStorage, fetch, FormData, WebSocket, AudioContext, Node, setTimeout, clearTimeout, setInterval, window */
// arc's operator console: a plain ES module, no build step, no framework. Everything it shows
// comes from the API with the session token; the live feed (/api/live) keeps it current.

const PRIORITY = {
  emergency: { rank: 1, label: '紧急 Emergency' },
  fire: { rank: 2, label: '火警 Fire' },
  medical: { rank: 3, label: '医疗 Medical' },
  burglary: { rank: 4, label: '盗警 Burglary' },
  tamper: { rank: 5, label: '防拆 Tamper' },
  other: { rank: 6, label: '其他 Other' },
};
/** Priorities 1 and 2 beep when a new alarm of theirs arrives. */
const BEEP_RANK = 2;
/** Age colours of an unacknowledged alarm: green under 30 s, amber under 90 s, red after. */
const AMBER_AFTER_MS = 30_000;
const RED_AFTER_MS = 90_000;
/** The server pings every 15 s; silence for this long means the link is dead. */
const SILENCE_MS = 40_000;
const BACKOFF_MS = [500, 1000, 2000, 5000, 10_000];

const ACTION_LABELS = {
  opened: '开警 opened',
  alarm_joined: '新警情 alarm joined',
  priority_raised: '升级 priority raised',
  signal_logged: '信号 signal',
  cleared: '消警 cleared',
  taken: '接警 taken',
  acknowledged: '确认 acknowledged',
  callback_recorded: '回访 callback',
  dispatch_requested: '派警 guard dispatch',
  judged: '研判 judged',
  forward_110_requested: '转110 forwarded to 110',
  closed: '结案 closed',
  uplink_accepted: '110已受理 accepted by 110',
  uplink_rejected: '110拒收 refused by 110',
  uplink_escalated: '⚠ 请电话报110 call 110 by phone',
  police_update: '110反馈 police update',
  guard_assigned: '派警 guard assigned',
  guard_progress: '护卫进度 guard progress',
  guard_reported: '护卫回报 guard report',
  dispatch_escalated: '⚠ 派警需处理 dispatch needs you',
};
const GUARD_PROGRESS = { accepted: '已接单 accepted', declined: '拒单 declined', not_accepted: '未及时接单 not accepted in time', withdrawn: '已改派 withdrawn', en_route: '出发 en route', on_scene: '到场 on scene', closed: '完成 closed', cancelled: '取消 cancelled' };
const GUARD_FINDINGS = { real: '真实警情 real', false: '误报 false alarm', no_access: '无法进入 no access' };
const DISPATCH_ESCALATIONS = { not_accepted: '无护卫接单 nobody accepted', no_guard_available: '无可派护卫 no guard available', late_arrival: '护卫超时未到 guard late' };
const POLICE_STATUSES = { dispatched: '已出警 dispatched', on_scene: '已到场 on scene', closed: '已结案 closed' };
const OUTCOMES = { real: '真实警情 real', device_false_alarm: '设备误报 device false alarm', user_false_alarm: '用户误报 user false alarm', test: '测试 test', undetermined: '无法确定 undetermined' };
const VERDICTS = { real: OUTCOMES.real, device_false_alarm: OUTCOMES.device_false_alarm, user_false_alarm: OUTCOMES.user_false_alarm, test: OUTCOMES.test };
const CALLBACK_RESULTS = { reached: '已接通 reached', no_answer: '无人接听 no answer', busy: '占线 busy', wrong_number: '错号 wrong number' };

const state = {
  token: sessionStorage.getItem('arc.token'),
  /** The console build the first `hello` named (see the live feed); null before it. */
  build: null,
  user: null,
  /** Incident views by id: the queue and the closed ones this session has seen. */
  incidents: new Map(),
  /** The last action id received: where a reconnect resumes. */
  lastSeq: null,
  live: false,
  selected: null,
  detail: null,
  users: new Map(),
  socket: null,
  attempt: 0,
  silence: null,
};

const $ = (selector) => document.querySelector(selector);

/** An element with attributes and children; text is always text, never HTML. */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

function toast(message, error = false) {
  const el = $('#toast');
  el.textContent = message;
  el.className = error ? 'toast error' : 'toast';
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (el.hidden = true), 6000);
}

async function api(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: { ...(state.token ? { authorization: `Bearer ${state.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (res.status === 401 && url !== '/api/session') return signedOut('会话已过期 session expired: sign in again');
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) throw Object.assign(new Error(data?.error?.message ?? res.statusText), { code: data?.error?.code ?? String(res.status) });
  return data;
}

// ---- sign-in -------------------------------------------------------------------------------

$('#login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  $('#login-error').textContent = '';
  try {
    const session = await api('POST', '/api/session', { username: form.get('username'), password: form.get('password') });
    state.token = session.token;
    sessionStorage.setItem('arc.token', session.token);
    await start(session.user);
    showTab();
  } catch (err) {
    $('#login-error').textContent = err.code === 'BAD_CREDENTIALS' ? '用户名或密码错误 wrong user name or password' : `${err.code}: ${err.message}`;
  }
});

$('#sign-out').addEventListener('click', async () => {
  await api('DELETE', '/api/session').catch(() => undefined);
  signedOut('');
});

function signedOut(message) {
  state.token = null;
  sessionStorage.removeItem('arc.token');
  state.socket?.close(1000, 'signed out');
  state.socket = null;
  location.hash = '';
  for (const id of ['#duty', '#supervisor', '#tabs', '#sign-out']) $(id).hidden = true;
  $('#sign-in').hidden = false;
  $('#me').textContent = '';
  $('#login-error').textContent = message;
  throw Object.assign(new Error(message), { code: 'UNAUTHENTICATED' });
}

async function start(user) {
  state.user = user;
  if (!['operator', 'supervisor', 'admin'].includes(user.role)) {
    $('#login-error').textContent = `角色 ${user.role} 无值机台 the console is for operators, supervisors and admins`;
    return;
  }
  $('#sign-in').hidden = true;
  $('#duty').hidden = false;
  $('#tabs').hidden = false;
  $('#sign-out').hidden = false;
  $('#tab-supervisor').hidden = user.role === 'operator';
  $('#me').textContent = `${user.displayName} (${user.role})`;
  if (user.role !== 'operator') {
    const users = await api('GET', '/api/users').catch(() => []);
    state.users = new Map(users.map((u) => [u.id, u]));
  }
  connect();
}

// ---- the live feed -------------------------------------------------------------------------

/** Opens /api/live: the first time from the current end (then loads the queue), afterwards from the last seq seen. */
function connect() {
  const proto = location.protocol === 'https:' ? 'wss' : 'ws';
  const since = state.lastSeq === null ? '' : `&since=${state.lastSeq}`;
  const socket = new WebSocket(`${proto}://${location.host}/api/live?v=2&token=${encodeURIComponent(state.token)}${since}`);
  state.socket = socket;
  state.live = false;
  let greeted = false;
  socket.onmessage = async (e) => {
    if (socket !== state.socket) return;
    watchSilence();
    const message = JSON.parse(e.data);
    if (message.type === 'hello') {
      // arc was upgraded while this tab stayed open: load the new page rather than run this one
      // against a feed it may not read (the session survives in sessionStorage).
      if (state.build !== null && message.build !== state.build) {
        location.reload();
        return;
      }
      state.build = message.build ?? null;
      greeted = true;
      state.attempt = 0;
      setLink('sync', '同步中 syncing');
      if (state.lastSeq === null) {
        state.lastSeq = message.since;
        // Everything up to `since` is in the queue we load now; later actions arrive on the socket.
        const { incidents } = await api('GET', '/api/incidents');
        for (const incident of incidents) merge(incident);
        render();
      }
    } else if (message.type === 'actions') {
      state.lastSeq = message.actions.at(-1)?.seq ?? state.lastSeq;
      onActions(message);
    } else if (message.type === 'caught_up') {
      state.live = true;
      setLink('up', '在线 live');
      render();
    }
  };
  socket.onclose = async (e) => {
    if (socket !== state.socket) return;
    clearTimeout(state.silence);
    state.live = false;
    if (!state.token) return;
    if (!greeted) {
      // A refused upgrade shows only as a close: ask whether the session is still open.
      const ok = await api('GET', '/api/session').then(() => true, (err) => err.code !== 'UNAUTHENTICATED');
      if (!ok) return;
    }
    const delay = BACKOFF_MS[Math.min(state.attempt++, BACKOFF_MS.length - 1)] * (0.75 + Math.random() / 2);
    setLink('down', `重连中 reconnecting (${e.code})`);
    setTimeout(() => state.token && connect(), delay);
  };
}

function watchSilence() {
  clearTimeout(state.silence);
  state.silence = setTimeout(() => state.socket?.close(4000, 'silent'), SILENCE_MS);
}

function setLink(kind, text) {
  const el = $('#link');
  el.className = `link ${kind}`;
  el.textContent = text;
}

/** Keeps the newest view of an incident (a late read may carry a state older than one we hold). */
function merge(incident) {
  const held = state.incidents.get(incident.id);
  if (held && BigInt(held.lastActionId ?? 0) > BigInt(incident.lastActionId ?? 0)) return false;
  state.incidents.set(incident.id, incident);
  return true;
}

/**
 * One page of actions (one commit, or a page of the catch-up): each incident's row comes once,
 * in `incidents`, and the queue is drawn once for the page.
 */
function onActions({ incidents, actions }) {
  const priorities = new Map();
  // A server not yet upgraded sends each action with its row.
  for (const incident of incidents ?? actions.map((a) => a.incident)) {
    merge(incident);
    priorities.set(incident.id, incident.priority);
  }
  let urgent = false;
  let selectedTouched = false;
  for (const { action } of actions) {
    const rank = PRIORITY[priorities.get(action.incidentId)]?.rank ?? 9;
    urgent ||= (action.kind === 'opened' && rank <= BEEP_RANK) || (action.kind === 'priority_raised' && (PRIORITY[action.detail.to]?.rank ?? 9) <= BEEP_RANK) || action.kind === 'uplink_escalated' || action.kind === 'dispatch_escalated';
    selectedTouched ||= state.selected === action.incidentId;
  }
  if (state.live && urgent) beep();
  render();
  if (selectedTouched) void loadDetail(state.selected);
}

// ---- sound ---------------------------------------------------------------------------------

let audio = null;
/** Two short tones (WebAudio: no file to load). Browsers allow it after the sign-in click. */
function beep() {
  try {
    audio ??= new AudioContext();
    const t = audio.currentTime;
    for (const [at, freq] of [[0, 880], [0.25, 660]]) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.25, t + at);
      gain.gain.exponentialRampToValueAtTime(0.001, t + at + 0.2);
      osc.connect(gain).connect(audio.destination);
      osc.start(t + at);
      osc.stop(t + at + 0.22);
    }
    document.body.dataset.beeps = String(Number(document.body.dataset.beeps ?? 0) + 1);
  } catch {
    // No audio device: the red row still shows it.
  }
}

// ---- rendering -----------------------------------------------------------------------------

function ageText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function ageClass(incident, now) {
  if (incident.acknowledgedAt) return 'acked';
  const age = now - Date.parse(incident.openedAt);
  return age < AMBER_AFTER_MS ? 'age-green' : age < RED_AFTER_MS ? 'age-amber' : 'age-red';
}

function holderName(id) {
  if (id === null) return '—';
  if (id === state.user?.id) return '我 me';
  return state.users.get(id)?.displayName ?? `#${id.slice(0, 8)}`;
}

function openIncidents() {
  const rank = (i) => PRIORITY[i.priority]?.rank ?? 9;
  return [...state.incidents.values()]
    .filter((i) => i.status === 'open')
    .sort((a, b) => rank(a) - rank(b) || Date.parse(a.openedAt) - Date.parse(b.openedAt) || Number(BigInt(a.id) - BigInt(b.id)));
}

function render() {
  const now = Date.now();
  const open = openIncidents();
  $('#queue-count').textContent = String(open.length);
  $('#queue tbody').replaceChildren(
    ...open.map((i) =>
      h(
        'tr',
        { 'data-incident': i.id, class: `${ageClass(i, now)}${state.selected === i.id ? ' selected' : ''}`, onclick: () => select(i.id) },
        h('td', { class: `prio prio-${i.priority}` }, PRIORITY[i.priority]?.label ?? i.priority),
        h('td', {}, i.customer === 'no_customer_card' ? '(无客户资料 no customer card)' : customerNameOf(i)),
        h('td', { class: 'mono' }, i.account),
        h('td', { class: 'alarms' }, i.alarms),
        h('td', { class: 'age' }, ageText(now - Date.parse(i.openedAt))),
        h('td', {}, holderName(i.owner)),
      ),
    ),
  );
  if (location.hash === '#supervisor') renderSupervisor(open);
}

/** The queue row has no customer name: looked up once per account (GET /api/customers?account=). */
const customerNames = new Map();
function customerNameOf(incident) {
  const known = customerNames.get(incident.account);
  if (known !== undefined) return known ?? `账号 account ${incident.account}`;
  customerNames.set(incident.account, null);
  api('GET', `/api/customers?account=${encodeURIComponent(incident.account)}&limit=1`).then(
    ({ customers }) => {
      if (customers[0]) customerNames.set(incident.account, customers[0].name);
      render();
    },
    () => undefined,
  );
  return `账号 account ${incident.account}`;
}

/** Every second: ages and colours in place (rebuilding rows would swallow a click in progress). */
function tick() {
  const now = Date.now();
  for (const tr of document.querySelectorAll('#queue tbody tr')) {
    const incident = state.incidents.get(tr.dataset.incident);
    if (!incident) continue;
    tr.querySelector('.age').textContent = ageText(now - Date.parse(incident.openedAt));
    tr.className = `${ageClass(incident, now)}${state.selected === incident.id ? ' selected' : ''}`;
  }
}
setInterval(() => state.user && tick(), 1000);

// ---- the incident --------------------------------------------------------------------------

async function select(id) {
  state.selected = id;
  render();
  await loadDetail(id);
}

async function loadDetail(id) {
  try {
    const detail = await api('GET', `/api/incidents/${id}`);
    if (state.selected !== id) return;
    state.detail = detail;
    merge(detail.incident);
    if (detail.customer) customerNames.set(detail.incident.account, detail.customer.name);
    renderDetail(detail);
    render();
  } catch (err) {
    if (err.code !== 'UNAUTHENTICATED') toast(`${err.code}: ${err.message}`, true);
  }
}

function fmtTime(iso) {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false });
}

function eventText(e) {
  if (!e) return '';
  const zone = e.zone != null ? ` 防区 zone ${e.zone}` : '';
  const user = e.user != null ? ` 用户 user ${e.user}` : '';
  return `${e.description ?? e.code} (${e.code}${e.qualifier ? ` ${e.qualifier}` : ''})${zone}${user}`;
}

/** Linked-zone verification: two zones in alarm in one linked group, or of two detection principles. */
function linkedZones(incident, card) {
  const zones = (card?.zones ?? []).filter((z) => z.account === incident.account && incident.zonesInAlarm.includes(z.number));
  const groups = new Set();
  for (const z of zones) {
    if (z.linkedGroup && groups.has(z.linkedGroup)) return true;
    if (z.linkedGroup) groups.add(z.linkedGroup);
  }
  return new Set(zones.map((z) => z.principle).filter(Boolean)).size >= 2;
}

/** The checklist's guard line ([done, label, note]): the last guard's finding on site, else where the dispatch stands. */
function guardCheck(i, actions) {
  const report = actions.findLast((a) => a.kind === 'guard_reported');
  if (report) return [true, '护卫报告 guard report', `${GUARD_FINDINGS[report.detail.finding] ?? report.detail.finding} ${report.detail.note}`];
  const progress = actions.findLast((a) => a.kind === 'guard_assigned' || a.kind === 'guard_progress');
  const where = progress?.kind === 'guard_progress' ? (GUARD_PROGRESS[progress.detail.status] ?? progress.detail.status) : progress ? `${progress.detail.guardName} 已派 assigned` : '';
  return [false, '护卫报告 guard report', i.dispatchRequests > 0 ? `已派 dispatched ×${i.dispatchRequests}${where ? ` · ${where}` : ''}` : ''];
}

function renderDetail({ incident: i, actions, customer: c, history }) {
  const pane = $('#incident');
  // An operator may be typing in a form when an action arrives: keep what was typed.
  const typed = [...pane.querySelectorAll('form[id] [name]')].map((el) => [`#${el.form.id} [name="${el.name}"]`, el.value]);
  const check = (done, label, note) => h('li', { class: done ? 'done' : 'todo' }, done ? '✔ ' : '○ ', label, note ? h('span', { class: 'note' }, ` ${note}`) : null);
  pane.replaceChildren(
    h(
      'header',
      { class: `incident-head prio-${i.priority}` },
      h('h2', {}, `警情 Incident #${i.id} `, h('span', { class: 'status', 'data-status': i.status }, i.status === 'open' ? '处理中 open' : `已结案 closed: ${OUTCOMES[i.outcome] ?? i.outcome}`)),
      h(
        'p',
        {},
        `${PRIORITY[i.priority]?.label ?? i.priority} · 账号 account ${i.account} · 警情数 alarms `,
        h('b', { id: 'alarm-count' }, i.alarms),
        ` · 接警 holder ${holderName(i.owner)} · 开警 opened ${fmtTime(i.openedAt)}`,
        i.acknowledgedAt ? ` · 确认 acknowledged ${fmtTime(i.acknowledgedAt)}` : '',
        i.forwardedTo110 ? ' · 已转110 forwarded to 110' : '',
      ),
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { class: 'card' },
        h('h3', {}, '客户 Customer'),
        c
          ? [
              h('p', { class: 'name' }, c.name),
              h('p', {}, c.address),
              h('p', { class: 'small' }, `合同 ${c.contractType} · 状态 ${c.serviceStatus}${c.guardArea ? ` · 巡逻区 ${c.guardArea}` : ''}${c.hasPasscode ? ' · 有口令 passcode set' : ''}`),
              ...(c.videoLinks ?? []).map((v) => h('p', { class: 'small' }, h('a', { href: v, target: '_blank', rel: 'noopener' }, '视频 video'))),
              h('h3', {}, '防区 Zones'),
              h(
                'table',
                { class: 'zones' },
                h('tbody', {}, ...c.zones.filter((z) => z.account === i.account).map((z) => h('tr', { class: i.zonesInAlarm.includes(z.number) ? 'in-alarm' : '' }, h('td', { class: 'mono' }, z.number), h('td', {}, z.name), h('td', {}, z.location), h('td', {}, z.type)))),
              ),
              h('h3', {}, '联系人 Contacts'),
              h('ol', { class: 'contacts' }, ...c.contacts.map((p) => h('li', {}, `${p.name}${p.relation ? ` (${p.relation})` : ''} `, ...p.phones.map((n) => h('a', { href: `tel:${n}`, class: 'phone' }, n))))),
            ]
          : h('p', { class: 'warn' }, '无客户资料 no customer card for this account: verify by phone and tell an admin'),
      ),
      h(
        'section',
        {},
        h('h3', {}, '核实 Verification'),
        h(
          'ul',
          { class: 'checklist', id: 'checklist' },
          check(i.callbacks > 0, '回访 callback done', i.callbacks > 0 ? `(${i.callbacks})` : ''),
          check(linkedZones(i, c), '关联防区 linked zones in alarm', `防区 zones ${i.zonesInAlarm.map((z) => z ?? '?').join(', ') || '—'}`),
          check(...guardCheck(i, actions)),
          check(i.judged, '研判 judged', i.verdict ? VERDICTS[i.verdict] : ''),
          check(i.cleared, '消警 cleared (restored or disarmed)'),
        ),
        i.status === 'open' ? actionForms(i, c) : null,
      ),
    ),
    h('h3', {}, '处理记录 Actions'),
    h('ol', { class: 'actions-log', id: 'actions-log' }, ...actions.map((a) => h('li', { 'data-kind': a.kind }, h('span', { class: 'time' }, fmtTime(a.at)), ` ${ACTION_LABELS[a.kind] ?? a.kind} `, h('span', { class: 'small' }, a.actor === 'system' ? '' : holderName(a.actor), ' ', actionNote(a))))),
    h('h3', {}, '账号历史 Account history'),
    h(
      'table',
      { class: 'history' },
      h('tbody', {}, ...history.slice(0, 20).map((e) => h('tr', {}, h('td', { class: 'time' }, fmtTime(e.receivedAt)), h('td', {}, e.outcome), h('td', {}, e.events.map(eventText).join('; ') || '—')))),
    ),
  );
  if (pane.dataset.incident === i.id) {
    for (const [selector, value] of typed) {
      const el = pane.querySelector(selector);
      if (el) el.value = value;
    }
  }
  pane.dataset.incident = i.id;
}

function actionNote(a) {
  const d = a.detail ?? {};
  if (d.event) return eventText(d.event);
  if (a.kind === 'closed') return `${OUTCOMES[d.outcome] ?? d.outcome}: ${d.note}`;
  if (a.kind === 'callback_recorded') return `${d.contact} ${d.phone} ${CALLBACK_RESULTS[d.result] ?? d.result} ${d.note}`;
  if (a.kind === 'judged') return `${VERDICTS[d.verdict] ?? d.verdict} ${d.evidence}`;
  if (a.kind === 'priority_raised') return `${d.from} → ${d.to}`;
  const withdrawal = d.message === 'cancel' ? '撤回 withdrawal · ' : ''; // the 110 uplink's answer to a cancel
  if (a.kind === 'uplink_accepted') return `${withdrawal}案件号 case ${d.caseNumber}`;
  if (a.kind === 'uplink_rejected') return `${withdrawal}${d.reason}`;
  if (a.kind === 'uplink_escalated') return withdrawal + ({ not_accepted_in_time: '110未及时受理 not accepted in time', rejected: '110拒收 refused', uplink_off: '110联网未启用 uplink off' }[d.reason] ?? d.reason);
  if (a.kind === 'guard_assigned') return `${d.guardName} 预计到达 ETA ${new Date(d.predictedArrivalAt).toLocaleTimeString()}${d.contractedArrivalAt ? ` 合同 contract ${new Date(d.contractedArrivalAt).toLocaleTimeString()}` : ''}`;
  if (a.kind === 'guard_progress') return GUARD_PROGRESS[d.status] ?? d.status;
  if (a.kind === 'guard_reported') return `${GUARD_FINDINGS[d.finding] ?? d.finding} ${d.note}`;
  if (a.kind === 'dispatch_escalated') return DISPATCH_ESCALATIONS[d.reason] ?? d.reason;
  if (a.kind === 'police_update') return `${d.caseNumber} ${POLICE_STATUSES[d.status] ?? d.status} ${d.disposition ?? ''}`;
  return d.note ?? '';
}

function select_(name, options, id) {
  return h('select', { name, id }, ...Object.entries(options).map(([v, label]) => h('option', { value: v }, label)));
}

/** A button per action kind the incident API takes; the forms send exactly its command body. */
function actionForms(i, c) {
  const act = (body) => async (e) => {
    e.preventDefault();
    try {
      await api('POST', `/api/incidents/${i.id}/actions`, body(e.target.closest('form') ? new FormData(e.target.closest('form')) : null));
      await loadDetail(i.id);
    } catch (err) {
      if (err.code !== 'UNAUTHENTICATED') toast(`${err.code}: ${err.message}`, true);
    }
  };
  const phones = (c?.contacts ?? []).flatMap((p) => p.phones.map((n) => ({ label: `${p.name} ${n}`, name: p.name, phone: n })));
  return h(
    'div',
    { class: 'action-forms' },
    h('h3', {}, '操作 Actions'),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'button', 'data-action': 'take', onclick: act(() => ({ kind: 'take' })) }, '接警 Take'),
      h('button', { type: 'button', 'data-action': 'acknowledge', onclick: act(() => ({ kind: 'acknowledge' })) }, '确认 Acknowledge'),
    ),
    h(
      'form',
      { id: 'callback-form', onsubmit: act((f) => {
        const pick = phones[Number(f.get('pick'))];
        return { kind: 'record_callback', contact: f.get('contact') || pick?.name || '', phone: f.get('phone') || pick?.phone || '', result: f.get('result'), passcodeVerified: f.get('passcode') === 'yes' ? true : f.get('passcode') === 'no' ? false : null, note: f.get('note') };
      }) },
      h('b', {}, '回访 Callback '),
      phones.length ? h('select', { name: 'pick' }, ...phones.map((p, n) => h('option', { value: n }, p.label))) : null,
      h('input', { name: 'contact', placeholder: '联系人 contact', size: 8 }),
      h('input', { name: 'phone', placeholder: '电话 phone', size: 12 }),
      select_('result', CALLBACK_RESULTS),
      select_('passcode', { '': '口令 passcode: 未问 not asked', yes: '口令正确 verified', no: '口令错误 wrong' }),
      h('input', { name: 'note', placeholder: '备注 note' }),
      h('button', { type: 'submit' }, '记录 Record'),
    ),
    h(
      'form',
      { id: 'dispatch-form', onsubmit: act((f) => ({ kind: 'dispatch_guard', guardId: f.get('guardId') || null, note: f.get('note') })) },
      h('b', {}, '派警 Dispatch guard '),
      h('input', { name: 'guardId', placeholder: '护卫 guard id (可空 optional)', size: 14 }),
      h('input', { name: 'note', placeholder: '备注 note' }),
      h('button', { type: 'submit' }, '派警 Dispatch'),
    ),
    h(
      'form',
      { id: 'judge-form', onsubmit: act((f) => ({ kind: 'judge', verdict: f.get('verdict'), evidence: f.get('evidence') })) },
      h('b', {}, '研判 Judge '),
      select_('verdict', VERDICTS),
      h('input', { name: 'evidence', placeholder: '依据 evidence (真实警情必填 required for real)' }),
      h('button', { type: 'submit' }, '研判 Judge'),
    ),
    h(
      'form',
      { id: 'forward-form', onsubmit: act((f) => ({ kind: 'forward_110', note: f.get('note') })) },
      h('b', {}, '转110 Forward to 110 '),
      h('input', { name: 'note', placeholder: '备注 note' }),
      h('button', { type: 'submit' }, '转110 Forward'),
    ),
    h(
      'form',
      { id: 'close-form', onsubmit: act((f) => ({ kind: 'close', outcome: f.get('outcome') || null, note: f.get('note') })) },
      h('b', {}, '结案 Close '),
      h('select', { name: 'outcome', id: 'close-outcome' }, h('option', { value: '' }, '结果 outcome…'), ...Object.entries(OUTCOMES).map(([v, label]) => h('option', { value: v }, label))),
      h('input', { name: 'note', id: 'close-note', placeholder: '结案说明 note (必填 required)' }),
      h('button', { type: 'submit', 'data-action': 'close' }, '结案 Close'),
    ),
  );
}

// ---- supervisor ----------------------------------------------------------------------------

function renderSupervisor(open) {
  const holding = new Map();
  for (const i of open) if (i.owner) holding.set(i.owner, [...(holding.get(i.owner) ?? []), i]);
  const staff = [...state.users.values()].filter((u) => ['operator', 'supervisor'].includes(u.role) && !u.disabled);
  $('#operators tbody').replaceChildren(
    ...staff.map((u) => h('tr', {}, h('td', {}, u.displayName), h('td', {}, u.role), h('td', {}, (holding.get(u.id) ?? []).map((i) => `#${i.id} ${PRIORITY[i.priority]?.label ?? i.priority}`).join(', ') || '—'))),
  );
  $('#unhandled tbody').replaceChildren(
    ...Object.entries(PRIORITY).map(([p, { label }]) => {
      const of = open.filter((i) => i.priority === p);
      return h('tr', { class: `prio-${p}` }, h('td', {}, label), h('td', {}, of.filter((i) => !i.acknowledgedAt).length), h('td', {}, of.length));
    }),
  );
}

/** GET /api/supervision when this node runs it; "not yet available" otherwise. */
async function loadOnlineRate() {
  const el = $('#online-rate');
  try {
    const o = await api('GET', '/api/supervision?limit=10');
    el.textContent = `${o.rate === null ? '—' : `${(o.rate * 100).toFixed(1)} %`} · 在线 online ${o.online} / 在网 in service ${o.inService} · 迟报 late ${o.late}`;
    el.className = o.warning ? 'warn' : '';
  } catch (err) {
    if (err.code === 'UNAUTHENTICATED') return;
    el.textContent = '暂不可用 not yet available';
    el.className = 'na';
  }
}
/** GET /api/failover: this node's role, the lease, the spool, the nodes seen. */
async function loadNodeStatus() {
  const el = $('#node-status');
  try {
    const s = await api('GET', '/api/failover');
    const nodes = s.nodes.map((n) => `${n.nodeId}${n.alive ? '' : ' (失联 not seen)'}`).join(', ');
    el.textContent = `${s.nodeId} · ${ROLE[s.role] ?? s.role} · 任期 term ${s.term ?? '—'} · 主节点 leader ${s.holder ?? '—'} · 本地缓存 spool ${s.spoolDepth}${nodes ? ` · 节点 nodes ${nodes}` : ''}`;
    el.className = s.spoolDepth > 0 || s.holder === null ? 'warn' : '';
  } catch (err) {
    if (err.code === 'UNAUTHENTICATED') return;
    el.textContent = '暂不可用 not yet available';
    el.className = 'na';
  }
}
const ROLE = { leader: '主 leader', standby: '备 standby', single: '单机 single node' };

const LEVEL = { major: '重大 major', urgent: '紧急 urgent', general: '一般 general' };
const TICKET_STATUS = { received: '已接单 received', on_site: '已到场 on site', repaired: '已修复 repaired', accepted: '已验收 accepted', archived: '已归档 archived' };

/** The open maintenance tickets, most urgent first; a missed deadline is marked. */
async function loadTickets() {
  try {
    const { tickets } = await api('GET', '/api/maintenance/tickets?status=open&limit=50');
    const time = (iso, late) => h('td', { class: late ? 'warn' : '' }, new Date(iso).toLocaleString('zh-CN', { hour12: false }), late ? ' 超时 overdue' : '');
    $('#tickets tbody').replaceChildren(
      ...(tickets.length === 0
        ? [h('tr', {}, h('td', { colspan: 7, class: 'na' }, '无未完成工单 no open tickets'))]
        : tickets.map((k) =>
            h(
              'tr',
              { class: `ticket-${k.level}` },
              h('td', {}, `#${k.id}`),
              h('td', {}, LEVEL[k.level] ?? k.level),
              h('td', {}, k.account ?? k.receiver ?? '—'),
              h('td', {}, k.description, k.occurrences > 1 ? ` ×${k.occurrences}` : ''),
              h('td', {}, TICKET_STATUS[k.status] ?? k.status),
              time(k.responseDueAt, k.overdue.response),
              time(k.repairDueAt, k.overdue.repair),
            ),
          )),
    );
  } catch (err) {
    if (err.code === 'UNAUTHENTICATED') return;
    $('#tickets tbody').replaceChildren(h('tr', {}, h('td', { colspan: 7, class: 'na' }, `暂不可用 not available: ${err.message}`)));
  }
}

function loadSupervisorPanels() {
  void loadOnlineRate();
  void loadNodeStatus();
  void loadTickets();
}
setInterval(() => location.hash === '#supervisor' && state.token && loadSupervisorPanels(), 10_000);

/** The monthly report (GET /api/reports/monthly), saved as a file: a plain link could not send the token. */
$('#report-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const month = form.get('month');
  const format = form.get('format');
  try {
    const res = await fetch(`/api/reports/monthly?month=${encodeURIComponent(month)}&format=${encodeURIComponent(format)}`, { headers: { authorization: `Bearer ${state.token}` } });
    if (!res.ok) throw new Error((await res.json().catch(() => null))?.error?.message ?? res.statusText);
    const url = URL.createObjectURL(await res.blob());
    const link = h('a', { href: url, download: `arc-report-${month}.${format}` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } catch (err) {
    toast(`月度报告 monthly report: ${err.message}`, true);
  }
});
{
  const last = new Date();
  last.setDate(1);
  last.setMonth(last.getMonth() - 1);
  $('#report-month').value = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, '0')}`;
}

function showTab() {
  const supervisor = location.hash === '#supervisor' && state.user && state.user.role !== 'operator';
  $('#duty').hidden = supervisor;
  $('#supervisor').hidden = !supervisor;
  for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', (b.dataset.tab === 'supervisor') === supervisor);
  if (supervisor) {
    render();
    loadSupervisorPanels();
  }
}
for (const b of document.querySelectorAll('#tabs button')) {
  b.addEventListener('click', () => {
    location.hash = b.dataset.tab === 'supervisor' ? '#supervisor' : '';
    showTab();
  });
}
window.addEventListener('hashchange', showTab);

// ---- boot ----------------------------------------------------------------------------------

if (state.token) {
  api('GET', '/api/session').then(
    async (user) => {
      await start(user);
      showTab();
    },
    () => undefined,
  );
}
