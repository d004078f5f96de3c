/** One record of a CSV file, with the line it starts on (for the import report). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text (RFC 4180: comma-separated, `"` quotes, `""` inside quotes, CRLF or LF, a
 * quoted field may hold line breaks) into records. Blank lines are skipped; a UTF-8 BOM (Excel's
 * "CSV UTF-8") is dropped. An unclosed quote is an error naming its line: nothing after it can be
 * split reliably.
 *
 * @example parseCsv('a,b\n"x, y",2\n') // [{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['x, y', '2'] }]
 */
export function parseCsv(text: string): { records: CsvRecord[]; error?: { line: number; message: string } } {
  const records: CsvRecord[] = [];
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let i = 0;
  while (i < src.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quotedAt = 0;
    for (;;) {
      const c = src[i];
      if (c === undefined) {
        fields.push(field);
        break;
      }
      if (c === '"' && field === '' && quotedAt === 0) {
        quotedAt = line;
        i++;
        let closed = false;
        while (i < src.length) {
          const q = src[i]!;
          if (q === '"' && src[i + 1] === '"') {
            field += '"';
            i += 2;
          } else if (q === '"') {
            i++;
            closed = true;
            break;
          } else {
            if (q === '\n') line++;
            field += q;
            i++;
          }
        }
        if (!closed) return { records, error: { line: quotedAt, message: 'a quoted field is not closed' } };
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        quotedAt = 0;
        i++;
        continue;
      }
      if (c === '\r' || c === '\n') {
        i += c === '\r' && src[i + 1] === '\n' ? 2 : 1;
        line++;
        fields.push(field);
        break;
      }
      field += c;
      i++;
    }
    if (!(fields.length === 1 && fields[0]!.trim() === '')) records.push({ line: start, fields });
  }
  return { records };
}
