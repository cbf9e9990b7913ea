// Where the apps' log lines go under `npm start`: JSON lines as they are when stdout is not a
// terminal or NODE_ENV is production (for log shippers), otherwise pretty (pino-pretty), one short
// coloured line each, without NestJS's start-up inventory (module and route listings) that would
// bury the ready line. PLAZA_LOG_FORMAT=json|pretty overrides the choice.
import { createInterface } from 'node:readline';

const NOISE = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'WebSocketsController']);

export function wantPretty(env) {
  if (env.PLAZA_LOG_FORMAT) return env.PLAZA_LOG_FORMAT === 'pretty';
  return Boolean(process.stdout.isTTY) && env.NODE_ENV !== 'production';
}

/** A function from one output line to what to print (null: nothing), or null when lines pass through. */
export async function lineFormatter(env) {
  if (!wantPretty(env)) return null;
  let prettyFactory;
  try {
    ({ prettyFactory } = await import('pino-pretty'));
  } catch {
    return null; // installed without dev dependencies: JSON it is
  }
  const pretty = prettyFactory({
    colorize: Boolean(process.stdout.isTTY),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,req,res,responseTime,context,route',
    messageFormat:
      '{if context}{context}: {end}{if req.method}{req.method} {req.url} {res.statusCode} {responseTime}ms {end}{msg}',
    singleLine: true,
  });
  const verbose = env.LOG_LEVEL === 'debug' || env.LOG_LEVEL === 'trace';
  return (line) => {
    if (!line.startsWith('{')) return `${line}\n`;
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return `${line}\n`;
    }
    if (!verbose && NOISE.has(entry.context)) return null;
    return pretty(entry);
  };
}

/** Sends a child's stdout and stderr to ours, through the formatter when there is one. */
export function forwardOutput(child, format) {
  for (const [from, to] of [
    [child.stdout, process.stdout],
    [child.stderr, process.stderr],
  ]) {
    if (!from) continue;
    if (!format) {
      from.pipe(to, { end: false });
      continue;
    }
    createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => {
      const out = format(line);
      if (out) to.write(out);
    });
  }
}
