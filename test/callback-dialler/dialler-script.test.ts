import t from 'tap';
import { parseDiallerScript, scriptedCall } from '../../src/callback-dialler/sim-dialler/dialler-script.js';

t.test('each number does what the script says; any other number, the default; without one, nobody answers', async (t) => {
  const parsed = parseDiallerScript('{"025-1": {"answer": "answered", "code": "2468"}, "139-2": {"answer": "busy", "afterS": 5}, "default": {"answer": "refused"}}');
  if (!('script' in parsed)) throw new Error(parsed.error);
  t.same(scriptedCall(parsed.script, '025-1'), { answer: 'answered', code: '2468' });
  t.same(scriptedCall(parsed.script, '139-2'), { answer: 'busy', afterS: 5 });
  t.same(scriptedCall(parsed.script, '139-3'), { answer: 'refused' });
  t.same(scriptedCall({}, '139-3'), { answer: 'no_answer' });
});

t.test('a bad script is refused with where it is wrong', async (t) => {
  t.same(parseDiallerScript('{'), { error: 'not JSON' });
  t.match(parseDiallerScript('{"025-1": {"answer": "hung up"}}'), { error: /^025-1\.answer: / });
  t.match(parseDiallerScript('{"025-1": {"answer": "busy", "code": "1"}}'), { error: /only an answered call gives a code/ });
  t.match(parseDiallerScript('{"025-1": {"answer": "busy", "ring": 3}}'), { error: /025-1/ }, 'an unknown field');
  t.match(parseDiallerScript('[]'), { error: /./ });
});
