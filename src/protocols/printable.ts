/** Text safe to echo in an error message: control and non-ASCII bytes as \xHH. */
export function printable(s: string, max = 40): string {
  const clipped = s.length > max ? `${s.slice(0, max)}…` : s;
  return clipped.replace(/[^\x20-\x7e…]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
