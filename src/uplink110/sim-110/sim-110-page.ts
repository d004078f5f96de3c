import type { PoliceCase, ReceivedMessage } from './police-cases.js';

const escape = (s: string | number | null) => String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The police liaison's page: the cases opened and every message received, newest first. */
export function sim110Page(mode: string, cases: PoliceCase[], received: ReceivedMessage[]): string {
  const caseRows = cases
    .slice()
    .reverse()
    .map((c) => `<tr><td>${escape(c.caseNumber)}</td><td>${escape(c.incidentId)}/${c.revision}</td><td>${escape(c.account)}</td><td>${escape(c.level)}</td><td>${escape(c.premises)}</td><td>${escape(c.receivedAt)}</td><td>${escape(c.status)}</td><td>${escape(c.disposition)}</td></tr>`)
    .join('\n');
  const messageRows = received
    .slice(-200)
    .reverse()
    .map((m) => `<tr><td>${escape(m.at)}</td><td>${escape(m.messageId)}</td><td>${escape(m.answer)}</td><td>${escape(m.caseNumber ?? m.reason)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5"><title>110 (simulated)</title>
<style>body{font:14px sans-serif;margin:1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head>
<body><h1>110 接警 (simulated police centre)</h1><p>mode: <b>${escape(mode)}</b> · JSON: <a href="/api/received">/api/received</a>, <a href="/api/cases">/api/cases</a></p>
<h2>案件 Cases</h2><table><tr><th>case</th><th>incident/rev</th><th>account</th><th>level</th><th>premises</th><th>received</th><th>status</th><th>disposition</th></tr>
${caseRows}</table>
<h2>收到的消息 Messages received</h2><table><tr><th>at</th><th>message</th><th>answer</th><th>case / reason</th></tr>
${messageRows}</table></body></html>
`;
}
