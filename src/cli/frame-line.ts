/**
 * One line of `arc decode` input as the exact bytes it stands for. A line that starts with `"`
 * is a JSON string of latin1 characters (the vectors' `wire` form); any other line is literal
 * text with the escapes \n \r \t \\ and \xHH.
 */
export function frameLineBytes(line: string): { ok: true; bytes: Buffer } | { ok: false; message: string } {
  if (line.startsWith('"')) {
    let text: unknown;
    try {
      text = JSON.parse(line);
    } catch {
      return { ok: false, message: 'a line that starts with " must be one JSON string' };
    }
    if (typeof text !== 'string') return { ok: false, message: 'a line that starts with " must be one JSON string' };
    if ([...text].some((c) => c.charCodeAt(0) > 0xff)) return { ok: false, message: 'the JSON string holds characters above \\u00ff: one character per byte' };
    return { ok: true, bytes: Buffer.from(text, 'latin1') };
  }
  const bad: string[] = [];
  const text = line.replace(/\\(x[0-9A-Fa-f]{2}|.)/g, (all, esc: string) => {
    if (esc.startsWith('x') && esc.length === 3) return String.fromCharCode(parseInt(esc.slice(1), 16));
    const simple = ({ n: '\n', r: '\r', t: '\t', '\\': '\\' } as Record<string, string>)[esc];
    if (simple === undefined) bad.push(all);
    return simple ?? all;
  });
  if (bad.length > 0) return { ok: false, message: `unknown escape ${bad[0]}: use \\n \\r \\t \\\\ or \\xHH` };
  return { ok: true, bytes: Buffer.from(text, 'latin1') };
}
