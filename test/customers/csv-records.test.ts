import t from 'tap';
import { parseCsv } from '../../src/customers/csv-records.js';

t.test('splits records, with quotes, doubled quotes, commas and line breaks inside quotes', async (t) => {
  const text = '\uFEFFname,address\r\n"金缘珠宝, 南京东路店","上海市\n黄浦区 ""南京东路"" 356 号"\r\n\r\nplain,row\n';
  t.same(parseCsv(text), {
    records: [
      { line: 1, fields: ['name', 'address'] },
      { line: 2, fields: ['金缘珠宝, 南京东路店', '上海市\n黄浦区 "南京东路" 356 号'] },
      { line: 5, fields: ['plain', 'row'] },
    ],
  });
});

t.test('a last record without a line break, and empty fields', async (t) => {
  t.same(parseCsv('a,,c').records, [{ line: 1, fields: ['a', '', 'c'] }]);
});

t.test('an unclosed quote is an error naming the line it opens on; the records before it stay', async (t) => {
  t.same(parseCsv('h\nok\n"never closed\nmore\n'), { records: [{ line: 1, fields: ['h'] }, { line: 2, fields: ['ok'] }], error: { line: 3, message: 'a quoted field is not closed' } });
});
