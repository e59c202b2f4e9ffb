// Compiled (not run) by packaging/test.sh with `tsc --noEmit --strict`: the shipped types
// describe what the module gives.
import suno, { check, serve, SunoMockError, type CheckResult, type MockServer } from 'suno-mock';

async function main(): Promise<void> {
  const result: CheckResult = await check('http://127.0.0.1:3000/callback', {
    family: 'music',
    args: ['--strict'],
  });
  const failed: string[] = result.rules.filter((r) => r.verdict === 'fail').map((r) => r.id);
  const code: number = result.exitCode;
  const api: MockServer = await serve({ args: ['--generation-time', '1s'] });
  const url: string = api.baseUrl;
  await api.tasks();
  await api.close();
  const e = new SunoMockError('x');
  const exit: number | undefined = e.exitCode;
  const same: typeof check = suno.check;
  console.log(failed, code, url, exit, same, result.passed, result.text);
}

void main;
