import t from 'tap';
import { callPrompt } from '../../src/callback-dialler/call-prompt.js';

t.test('the prompt says who calls and asks for the passcode, in Chinese and English', async (t) => {
  const prompt = callPrompt({ incidentId: '42' });
  t.match(prompt, /请输入您的密码/);
  t.match(prompt, /Please key in your passcode/);
  t.match(prompt, /42/, 'the incident number, to quote when calling back');
});

t.test('it names nothing of the customer and nothing of a duress code', async (t) => {
  const prompt = callPrompt({ incidentId: '42' });
  t.notMatch(prompt, /duress|胁迫/i);
  t.equal(prompt, callPrompt({ incidentId: '42' }), 'the same words for every call of an incident');
});
