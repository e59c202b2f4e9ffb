/** A rule's verdict, as the JSON report's `rules` lists it. */
export interface RuleResult {
  /** The rule's id, like `ack-failure`; `suno-mock explain <id>` says what it checks. */
  id: string;
  /** `must` rules decide `passed`; `should` rules warn (fail under `--strict`); `info` never fails. */
  level: 'must' | 'should' | 'info';
  /** `inconclusive`: the run could not see whether it held (no probe, interrupted). */
  verdict: 'pass' | 'fail' | 'warn' | 'skip' | 'inconclusive';
  /** One sentence: what was sent, what came back, what that means. */
  reason: string;
  /** Every delivery the rule judged (each attempt with its answer) and what the probe observed. */
  evidence: { deliveries: unknown[]; observations: unknown[] };
}

/** What `suno-mock check` found. A failing rule is a result, never a rejection. */
export interface CheckResult {
  /** Exit status 0: every must rule was seen to hold (should rules may warn unless `--strict`). */
  passed: boolean;
  /** 0 passed, 1 a rule failed (or warned under `--strict`). */
  exitCode: number;
  /** The verdict of every rule the run judged, in order. */
  rules: RuleResult[];
  /** The whole JSON report, as `--report-json` writes it. */
  report: Record<string, unknown>;
  /** The human report, as the terminal shows it (no colour). */
  text: string;
}

/** The options of {@link check}. */
export interface CheckOptions {
  /**
   * The callback family to send (default `video`; `music`, `lyrics`, `wav`, ...:
   * `suno-mock families` lists them). A `--family` in `args` wins.
   */
  family?: string;
  /**
   * More flags of `suno-mock check`, as on the command line, like
   * `['--probe-url', 'http://127.0.0.1:3000/state/{task_id}', '--seed', '7']`. A `--report-json`
   * among them is where the report is written and read back.
   */
  args?: string[];
  /** The `suno-mock` binary to run instead of {@link binaryPath}'s. */
  binary?: string;
}

/** A running `suno-mock serve`, as {@link serve} resolves it. */
export interface MockServer {
  /** `http://127.0.0.1:<port>`, no trailing slash: the application's API base URL. */
  baseUrl: string;
  /** The key the server accepts as `Authorization: Bearer <apiKey>`. */
  apiKey: string;
  /**
   * `GET /_mock/tasks`: every task created so far, with its family, stage and state.
   * @throws {SunoMockError} the server answered other than 2xx.
   * @throws {TypeError} the server is not answering (it was closed): `fetch`'s own error.
   */
  tasks(): Promise<unknown>;
  /**
   * `GET /_mock/deliveries`: every callback attempt so far, with the receiver's answer.
   * @throws {SunoMockError} the server answered other than 2xx.
   * @throws {TypeError} the server is not answering (it was closed): `fetch`'s own error.
   */
  deliveries(): Promise<unknown>;
  /** Stops the server and resolves once it has ended (its last line written, its port free). */
  close(): Promise<void>;
}

/** The options of {@link serve}. */
export interface ServeOptions {
  /**
   * More flags of `suno-mock serve`, as on the command line, like `['--generation-time', '1s']`,
   * `['--plan', 'plan.yaml']` or `['--outcome', 'failure']`. A `--listen` or `--api-key` among
   * them wins over the free port and the random key.
   */
  args?: string[];
  /** The `suno-mock` binary to run instead of {@link binaryPath}'s. */
  binary?: string;
}

/**
 * The tool could not do what it was asked; never thrown for a verdict. `message` is what the
 * tool printed on stderr.
 */
export class SunoMockError extends Error {
  /**
   * The tool's exit status: 2 a bad flag or argument, 3 a bad scenario or plan file, 4 the
   * receiver unreachable, a port taken or a report that cannot be written, 130 interrupted.
   * Undefined when the tool never ran (no binary found).
   */
  exitCode?: number;
}

/**
 * Runs `suno-mock check` against a receiver and resolves to its verdicts.
 *
 * @param receiver The receiver's callback URL, as the application gives it in `callBackUrl`
 *   (`http://127.0.0.1:3000/callback`).
 * @param options The family, more flags, another binary.
 * @returns The verdicts, the whole JSON report and the human text.
 * @throws {SunoMockError} The tool could not run the check (`exitCode` 2 a bad flag, 4 an
 *   unreachable receiver, 130 interrupted), or no binary is installed for this platform.
 * @throws {TypeError} `args` has `--receiver` (pass the receiver as the first argument).
 * @example
 * const r = await check('http://127.0.0.1:3000/callback', { args: ['--seed', '7'] });
 * assert.ok(r.passed, r.text);
 */
export function check(receiver: string, options?: CheckOptions): Promise<CheckResult>;

/**
 * Starts `suno-mock serve` (the mock provider API) on a free loopback port with a random API
 * key, unless `args` say otherwise. Call `close()` when done; if this process dies first, the
 * server stops by itself.
 *
 * @param options More flags, another binary.
 * @returns The running server, once it listens.
 * @throws {SunoMockError} The server did not start (`exitCode` 2 a bad flag, 3 a bad plan file,
 *   4 the port taken), or no binary is installed for this platform.
 * @example
 * const api = await serve({ args: ['--generation-time', '100ms'] });
 * try { ... } finally { await api.close(); }
 */
export function serve(options?: ServeOptions): Promise<MockServer>;

/**
 * The path of the `suno-mock` binary: `$SUNO_MOCK_BIN` when set, else the one of this
 * platform's package (`@suno-mock/<platform>-<arch>`).
 * @throws {SunoMockError} No package for this platform is installed (without `exitCode`).
 */
export function binaryPath(): string;

declare const suno: {
  check: typeof check;
  serve: typeof serve;
  binaryPath: typeof binaryPath;
  SunoMockError: typeof SunoMockError;
};
export default suno;
