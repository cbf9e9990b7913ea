import { configSchema, crossFieldProblems, type PlazaConfig } from './config.schema';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment, collecting every bad variable before failing. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlazaConfig {
  const result = configSchema.safeParse(env);
  const crossField = crossFieldProblems(env);
  if (result.success && !crossField.length) return result.data;
  const issues = result.success ? [] : result.error.issues;
  const problems = issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const received = env[name];
    const message = received === undefined && issue.code === 'invalid_type' ? 'is required' : issue.message;
    return `${name} ${message}`;
  });
  throw new ConfigError([...problems, ...crossField]);
}

/** For `main.ts`: print every problem on stderr and exit 1 instead of booting half-configured. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): PlazaConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
