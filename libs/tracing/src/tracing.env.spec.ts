import { join } from 'node:path';
import { serviceNameOf, tracingEnabled } from './tracing.env';

describe('tracing env', () => {
  it('is off unless OTEL_TRACES_EXPORTER names an exporter other than none', () => {
    expect(tracingEnabled({})).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: '' })).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp,none' })).toBe(false);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(tracingEnabled({ OTEL_TRACES_EXPORTER: ' OTLP , console' })).toBe(true);
  });

  it('names the service after the app being run unless OTEL_SERVICE_NAME says otherwise', () => {
    const main = join('/srv', 'plaza', 'dist', 'apps', 'messaging', 'src', 'main.js');
    expect(serviceNameOf({}, main)).toBe('messaging');
    expect(serviceNameOf({ OTEL_SERVICE_NAME: 'chat' }, main)).toBe('chat');
    expect(serviceNameOf({}, join('/srv', 'plaza', 'dist', 'apps', 'auth', 'src', 'cli.js'))).toBe('plaza');
    expect(serviceNameOf({}, join('/srv', 'plaza', 'scripts', 'start.mjs'))).toBe('plaza');
  });
});
